// Every value reaches the page as text (textContent, setAttribute): never as markup, so a canary's
// name, annotation or Event message that reads like HTML is shown as it is written.

/** An element with attributes and children; strings and numbers become text nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null).map((c) => (typeof c === 'object' ? c : String(c))));
  return node;
}

/** A definition list from [term, description] pairs. */
export function definitions(target, pairs) {
  target.replaceChildren(...pairs.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

/** Follows the server's events: `handlers` by event name, the connection state in `status`. */
export function follow(url, handlers, status) {
  const source = new EventSource(url);
  source.addEventListener('open', () => (status.textContent = 'live'));
  source.addEventListener('error', () => (status.textContent = 'reconnecting…'));
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => handle(JSON.parse(event.data)));
  }
  return source;
}
