// Command etcd is the etcd server, built from go.etcd.io/etcd/server/v3 at the
// version pinned in ../go.mod (the upstream main package lives in the
// go.etcd.io/etcd/v3 root module, whose replace directives make it
// un-installable with `go install`; this is the same two lines).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
