// The console's shell: log-in, the menu each role sees, the hash router
// (#/goods?q=米) and the page in the middle. Pages are modules under
// pages/ exporting render(main, ctx); they use the JSON API alone.
import { h, clear, $ } from './lib/dom.js';
import { api, getSession, setSession, onExpired } from './lib/api.js';
import { ROLE_LABEL, errorText, flash } from './lib/ui.js';

const STAFF = ['admin', 'manager'];
const READ = ['admin', 'manager', 'auditor'];

// The menu, in order. roles: who sees the page.
export const PAGES = [
	{ id: 'today', title: '今日', roles: READ },
	{ id: 'goods', title: '物品', roles: READ },
	{ id: 'receive', title: '接收捐赠', roles: STAFF },
	{ id: 'stock', title: '库存', roles: READ },
	{ id: 'households', title: '受助家庭', roles: READ },
	{ id: 'grants', title: '政策与发放', roles: STAFF },
	{ id: 'distributions', title: '领取记录', roles: READ },
	{ id: 'funds', title: '基金', roles: READ },
	{ id: 'operating', title: '义卖与经营', roles: READ },
	{ id: 'notices', title: '公示', roles: READ },
	{ id: 'volunteers', title: '志愿者', roles: READ },
	{ id: 'reports', title: '统计报表', roles: READ },
	{ id: 'staff', title: '员工', roles: ['admin'] },
	{ id: 'audit', title: '审计日志', roles: ['admin', 'auditor'] },
	{ id: 'account', title: '修改密码', roles: ['admin', 'manager', 'cashier',
	    'auditor'], hidden: true },
];

const app = $('#app');

function route() {
	const hash = location.hash.replace(/^#\/?/, '');
	const q = hash.indexOf('?');
	return {
		id: (q < 0 ? hash : hash.slice(0, q)) || '',
		params: new URLSearchParams(q < 0 ? '' : hash.slice(q + 1)),
	};
}

export function go(id, params) {
	const q = params ? new URLSearchParams(params).toString() : '';
	const target = '#/' + id + (q ? '?' + q : '');
	if (location.hash === target)
		show();
	else
		location.hash = target;
}

function showLogin(message) {
	document.title = '登录 · 慈善超市管理';
	const user = h('input', { id: 'login-user', name: 'username',
	    autocomplete: 'username', required: true, maxlength: 63 });
	const pass = h('input', { id: 'login-password', name: 'password',
	    type: 'password', autocomplete: 'current-password', required: true,
	    maxlength: 128 });
	const err = h('div', { id: 'login-error', class: 'form-error',
	    role: 'alert' }, message || '');
	const btn = h('button', { id: 'login-submit', type: 'submit' }, '登录');
	const form = h('form', { id: 'login', class: 'login card' },
	    h('h1', null, '慈善超市 · 管理控制台'),
	    h('label', { class: 'field' }, h('span', null, '用户名'), user),
	    h('label', { class: 'field' }, h('span', null, '密码'), pass),
	    err, btn);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		btn.disabled = true;
		clear(err);
		try {
			const s = await api('POST', '/api/v1/sessions',
			    { username: user.value.trim(), password: pass.value });
			setSession(s);
			show();
		} catch (e) {
			err.append(e.status === 401 ? '用户名或密码错误' +
			    (e.details && e.details.retry_after_ms ?
			    '，请稍后再试' : '') : errorText(e));
			btn.disabled = false;
		}
	});
	clear(app).append(h('main', { class: 'login-wrap' }, form));
	user.focus();
}

async function logout() {
	try {
		await api('DELETE', '/api/v1/sessions/current');
	} catch (e) {
		/* the session is gone either way */
	}
	setSession(null);
	location.hash = '';
	showLogin();
}

function nav(s, current) {
	const links = PAGES.filter((p) => !p.hidden && p.roles.includes(s.role))
	    .map((p) => h('a', { href: '#/' + p.id,
		class: p.id === current ? 'current' : null,
		'aria-current': p.id === current ? 'page' : null }, p.title));
	return h('nav', { id: 'nav' },
	    h('div', { class: 'brand' }, '慈善超市'),
	    h('div', { class: 'links' }, links),
	    h('div', { class: 'who' },
		h('span', { id: 'who' }, s.display_name || s.username),
		h('span', { class: 'role' }, ROLE_LABEL[s.role] || s.role),
		h('a', { href: '#/account', id: 'account-link' }, '修改密码'),
		h('button', { type: 'button', id: 'logout', onclick: logout },
		    '退出')));
}

function cashierPage(main) {
	main.append(h('section', { class: 'card', id: 'cashier-pointer' },
	    h('h1', null, '收银请使用收银台'),
	    h('p', null, '收银员的工作（扫卡、扫码、打印小票）在收银台程序 ' +
		'cishan-pos 中完成。管理控制台供店长、管理员和审计员使用。'),
	    h('p', null, '如需修改自己的密码，请点右上角“修改密码”。')));
}

let seq = 0;

async function show() {
	const s = getSession();
	if (!s)
		return showLogin();
	const r = route();
	const mine = PAGES.filter((p) => p.roles.includes(s.role));
	let page = mine.find((p) => p.id === r.id);
	if (!page && s.role !== 'cashier')
		page = mine[0];
	const main = h('main', { id: 'main', 'data-page': page ? page.id : '' });
	clear(app).append(nav(s, page ? page.id : ''),
	    h('div', { class: 'content' }, h('div', { id: 'flash' }), main));
	if (!page) {
		document.title = '慈善超市管理';
		cashierPage(main);
		return;
	}
	document.title = page.title + ' · 慈善超市管理';
	const mySeq = ++seq;
	main.append(h('p', { class: 'loading' }, '加载中…'));
	const ctx = {
		session: s,
		params: r.params,
		canWrite: STAFF.includes(s.role),
		go,
		reload: show,
		stale: () => mySeq !== seq,
	};
	try {
		const mod = await import('./pages/' + page.id + '.js');
		if (mySeq !== seq)
			return;
		clear(main);
		await mod.render(main, ctx);
		main.setAttribute('data-ready', '1');
	} catch (e) {
		if (mySeq !== seq || !getSession())
			return;
		clear(main).append(h('div', { class: 'flash error', role: 'alert' },
		    errorText(e)));
		main.setAttribute('data-ready', '1');
	}
}

// A 401 anywhere: back to the log-in page, saying why.
onExpired(() => showLogin('登录已过期或账号已停用，请重新登录'));
window.addEventListener('hashchange', () => { flash(''); show(); });
show();
