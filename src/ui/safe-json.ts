/**
 * JSON that stays inert wherever it lands: `<`, `>` and `&` are written as \u escapes (a canary's
 * annotation or an Event message reading `</script><script>…` cannot end an enclosing element), and
 * so are U+2028/U+2029, which old JavaScript parsers take for line ends. The value is unchanged for
 * JSON.parse.
 */
export function safeJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
