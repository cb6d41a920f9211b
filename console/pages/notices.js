// Placeholder until the page is written.
import { h } from '../lib/dom.js';

export async function render(main) {
	main.append(h('p', null, '此页面尚未完成。'));
}
