// Placeholder until the console's shell lands: log in, show #nav, log out.
import { hello } from './lib/hello.js';
document.documentElement.dataset.app = hello;
const form = document.getElementById('login');
form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	const r = await fetch('/api/v1/sessions', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({
			username: document.getElementById('login-user').value,
			password: document.getElementById('login-password').value,
		}),
	});
	if (r.status !== 201) {
		document.getElementById('login-error').textContent = 'wrong';
		return;
	}
	const nav = document.createElement('nav');
	nav.id = 'nav';
	const out = document.createElement('button');
	out.id = 'logout';
	out.textContent = 'log out';
	out.addEventListener('click', () => { nav.remove(); form.hidden = false; });
	nav.append(out);
	form.hidden = true;
	document.body.append(nav);
});
