// Building the page. Every value from the server goes in as text: h()
// makes text nodes and sets attributes, it never parses HTML, so a name
// like <img src=x onerror=alert(1)> shows as those characters.

// h('tr', {class: 'low', onclick: fn}, 'text', node, [more, kids])
export function h(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k === 'innerHTML' || k === 'outerHTML')
			throw new Error('h(): HTML is never set');
		if (k.startsWith('on') && typeof v === 'function')
			e.addEventListener(k.slice(2), v);
		else if (k === 'value' || k === 'checked' || k === 'selected')
			e[k] = v;
		else
			e.setAttribute(k, v === true ? '' : String(v));
	}
	add(e, kids);
	return e;
}

// Append kids (nodes, strings, numbers, nested arrays; null skipped).
export function add(e, kids) {
	for (const k of kids) {
		if (k === null || k === undefined || k === false)
			continue;
		if (Array.isArray(k))
			add(e, k);
		else
			e.append(k instanceof Node ? k : document.createTextNode(String(k)));
	}
	return e;
}

export function clear(e) {
	e.replaceChildren();
	return e;
}

export function $(sel, root) {
	return (root || document).querySelector(sel);
}

export function $$(sel, root) {
	return [...(root || document).querySelectorAll(sel)];
}
