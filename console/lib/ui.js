// The console's widgets: headers, tables, forms that submit once, lists
// that page, messages in Chinese. All text goes in through dom.js.
import { h, add, clear, $ } from './dom.js';
import { api, clientId } from './api.js';

export const ROLE_LABEL = {
	admin: '管理员',
	manager: '店长',
	cashier: '收银员',
	auditor: '审计员',
};

const CODE_TEXT = {
	network: '无法连接服务器，请检查网络后重试',
	bad_json: '请求格式错误',
	missing_field: '缺少必填项',
	bad_field: '填写的内容不正确',
	bad_barcode: '条码无效（校验位不对）',
	unauthenticated: '登录已过期或用户名、密码错误',
	forbidden: '没有权限进行此操作',
	not_found: '未找到',
	method_not_allowed: '不支持的操作',
	conflict: '与已有记录冲突（名称、卡号或条码已被使用）',
	client_id_reused: '重复提交的内容不一致',
	barcode_taken: '该条码已属于另一物品',
	too_large: '提交的内容过大',
	insufficient_points: '积分不足',
	insufficient_stock: '库存不足',
	insufficient_funds: '基金余额不足',
	limit_exceeded: '超出每月限额',
	priority_only: '该物品仅限优先户',
	item_inactive: '该物品已停用，请先在“物品”页重新启用',
	household_inactive: '该户不在有效期内或已暂停',
	duplicate_household: '该身份证号已登记',
	restricted_fund: '该基金为定向基金，不能用于此用途',
	period_open: '该月尚未结束，不能发布',
	last_admin: '不能停用或降级最后一位管理员',
	wrong_password: '当前密码不正确',
	internal: '服务器内部错误，未做任何修改',
	unavailable: '服务器暂不可用，请稍后重试（不会重复提交）',
};

// "Chinese text (the server's own words)" for an ApiError or Error.
export function errorText(err) {
	if (!err || !err.code)
		return String((err && err.message) || err);
	let t = CODE_TEXT[err.code] || '操作失败';
	const f = err.details && err.details.field;
	if (f)
		t += '：' + f;
	if (err.message && err.message !== err.code)
		t += '（' + err.message + '）';
	return t;
}

// A message at the top of the page; kind 'ok' or 'error'.
export function flash(text, kind) {
	const f = $('#flash');
	if (!f)
		return;
	clear(f);
	if (text)
		f.append(h('div', { class: 'flash ' + (kind || 'ok'),
		    role: kind === 'error' ? 'alert' : 'status' }, text));
}

export function header(title, ...actions) {
	return h('header', { class: 'page-head' }, h('h1', null, title),
	    h('div', { class: 'actions' }, actions));
}

export function section(title, ...kids) {
	return h('section', { class: 'card' }, title ? h('h2', null, title) : null,
	    kids);
}

// cols: [{label, get: (row) => text | Node, num: true}]
export function table(cols, rows, opts) {
	opts = opts || {};
	const head = h('tr', null, cols.map((c) =>
	    h('th', { class: c.num ? 'num' : null }, c.label)));
	const body = h('tbody');
	addRows(body, cols, rows, opts);
	if (rows.length === 0)
		body.append(h('tr', { class: 'empty' },
		    h('td', { colspan: cols.length }, opts.empty || '暂无数据')));
	return h('div', { class: 'table-wrap' },
	    h('table', { class: opts.class || null }, h('thead', null, head), body));
}

function addRows(body, cols, rows, opts) {
	for (const r of rows) {
		const tr = h('tr', opts.rowAttrs ? opts.rowAttrs(r) : null);
		for (const c of cols)
			tr.append(h('td', { class: c.num ? 'num' : null }, c.get(r)));
		body.append(tr);
	}
}

// A list from the API a page at a time: a table and a "more" button.
export async function pagedTable(path, cols, opts) {
	opts = opts || {};
	const sep = path.includes('?') ? '&' : '?';
	const limit = opts.limit || 50;
	const first = await api('GET', path + sep + 'limit=' + limit);
	const wrap = table(cols, first.items, opts);
	const body = wrap.querySelector('tbody');
	let next = first.next;
	const more = h('button', { type: 'button', class: 'more' }, '加载更多');
	more.addEventListener('click', async () => {
		more.disabled = true;
		try {
			const r = await api('GET', path + sep + 'limit=' + limit +
			    '&cursor=' + encodeURIComponent(next));
			addRows(body, cols, r.items, opts);
			next = r.next;
		} catch (e) {
			flash(errorText(e), 'error');
		}
		more.disabled = false;
		more.hidden = !next;
	});
	more.hidden = !next;
	return h('div', null, wrap, more);
}

// A labelled control. id is optional; the label wraps the control.
export function field(label, control, hint) {
	return h('label', { class: 'field' }, h('span', null, label), control,
	    hint ? h('small', null, hint) : null);
}

export function input(name, attrs) {
	return h('input', Object.assign({ name, autocomplete: 'off' }, attrs));
}

// options: [[value, label], ...]
export function select(name, options, value, attrs) {
	return h('select', Object.assign({ name }, attrs), options.map(([v, l]) =>
	    h('option', { value: v, selected: String(v) === String(value) }, l)));
}

export function checkbox(name, label, checked) {
	return h('label', { class: 'check' },
	    h('input', { type: 'checkbox', name, checked: !!checked }), label);
}

// The form's named values as strings (checkboxes as true/false).
export function values(form) {
	const o = {};
	for (const e of form.elements) {
		if (!e.name)
			continue;
		o[e.name] = e.type === 'checkbox' ? e.checked : e.value;
	}
	return o;
}

// A form whose handler runs once at a time: the submit button is disabled
// while it runs, so a double click posts once. form.clientId is made with
// the form and kept across retries of a failed submit (the server answers
// a retry with the first answer); call form.renew() after a success to
// start a new write. The handler's thrown error shows in the form.
export function form(attrs, kids, handler) {
	const err = h('div', { class: 'form-error', role: 'alert' });
	const f = h('form', Object.assign({ novalidate: true }, attrs), kids, err);
	f.clientId = clientId();
	f.renew = () => { f.clientId = clientId(); };
	let busy = false;
	f.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		if (busy)
			return;
		busy = true;
		const buttons = [...f.querySelectorAll('button')];
		buttons.forEach((b) => { b.disabled = true; });
		clear(err);
		try {
			await handler(values(f), f);
		} catch (e) {
			err.append(errorText(e));
		} finally {
			busy = false;
			buttons.forEach((b) => { b.disabled = false; });
		}
	});
	return f;
}

// Resolves true when the person confirms. A modal <dialog>, not
// window.confirm, so it can carry a form and is styled like the rest.
export function confirm(text, okLabel) {
	return new Promise((resolve) => {
		const ok = h('button', { type: 'button', class: 'danger',
		    id: 'confirm-ok' }, okLabel || '确认');
		const no = h('button', { type: 'button', id: 'confirm-cancel' }, '取消');
		const d = h('dialog', { class: 'confirm' }, h('p', null, text),
		    h('div', { class: 'actions' }, no, ok));
		const done = (v) => { d.close(); d.remove(); resolve(v); };
		ok.addEventListener('click', () => done(true));
		no.addEventListener('click', () => done(false));
		d.addEventListener('cancel', () => done(false));
		document.body.append(d);
		d.showModal();
	});
}

export function badge(text, kind) {
	return h('span', { class: 'badge ' + (kind || '') }, text);
}

// A link inside the console: #/page?key=value
export function link(text, page, params) {
	const q = params ? new URLSearchParams(params).toString() : '';
	return h('a', { href: '#/' + page + (q ? '?' + q : '') }, text);
}

export { h, add, clear };
