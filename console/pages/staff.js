// 员工 (admin only): the staff accounts. Add one, change a role or a
// display name, disable and enable, set a new password. A user name is
// for good. Disabling a user or changing their role ends their sessions
// at once (they log in again); the last active administrator can be
// neither demoted nor disabled (422 last_admin).
import { h, clear } from '../lib/dom.js';
import { api, listAll } from '../lib/api.js';
import { datetime } from '../lib/fmt.js';
import { ROLE_LABEL, header, section, table, field, input, select, form,
	confirm, flash, badge, link, errorText } from '../lib/ui.js';

const ROLES = [
	['manager', '店长'],
	['cashier', '收银员'],
	['auditor', '审计员'],
	['admin', '管理员'],
];
const ROLE_HINT = '店长：全部管理功能；收银员：只用收银台；' +
    '审计员：只读和审计日志；管理员：另可管理员工。';

// A message for after the page is drawn again: the shell rebuilds the
// flash area on every route.
let after = null;

function bytes(s) {
	return new TextEncoder().encode(s).length;
}

function checkPassword(p, again) {
	if (bytes(p) < 10 || bytes(p) > 128)
		throw new Error('密码须为 10 到 128 个字符');
	if (p !== again)
		throw new Error('两次输入的密码不一致');
}

// A refusal in words a person reads at once; last_admin first of all.
function refusal(e) {
	if (e.code === 'last_admin')
		return new Error('不能这样做：' + (e.details.field === 'disabled' ?
		    '这是最后一位在用的管理员，不能停用。' :
		    '这是最后一位在用的管理员，不能改为其他角色。') +
		    '请先新建或启用另一位管理员。');
	if (e.code === 'conflict')
		return new Error('该用户名已被使用');
	return new Error(errorText(e));
}

function status(u) {
	return u.disabled ? badge('已停用', 'bad') : badge('在用', 'ok');
}

function createForm(ctx) {
	const pw = (name, id) => input(name, { id, type: 'password',
	    autocomplete: 'new-password', maxlength: 128 });
	const f = form({ id: 'staff-new', class: 'staff-form' }, [
		h('div', { class: 'row' },
		    field('用户名', input('username', { id: 'staff-new-username',
			maxlength: 31, pattern: '[a-z0-9._-]+' }),
			'小写字母、数字和 . _ -，建好后不能改'),
		    field('姓名', input('display_name', { id: 'staff-new-name',
			maxlength: 100 })),
		    field('角色', select('role', ROLES, 'cashier',
			{ id: 'staff-new-role' }))),
		h('div', { class: 'row' },
		    field('初始密码', pw('password', 'staff-new-password'),
			'至少 8 个字符'),
		    field('再次输入密码', pw('again', 'staff-new-again'))),
		h('p', { class: 'muted' }, ROLE_HINT),
		h('div', { class: 'actions' },
		    h('button', { type: 'submit', id: 'staff-create' }, '添加员工')),
	], async (v) => {
		const username = v.username.trim();
		if (!/^[a-z0-9._-]{1,31}$/.test(username))
			throw new Error('用户名须为 1 到 31 个小写字母、数字或 . _ -');
		checkPassword(v.password, v.again);
		let u;
		try {
			u = await api('POST', '/api/v1/users', { username,
			    password: v.password, role: v.role,
			    display_name: v.display_name.trim() });
		} catch (e) {
			throw refusal(e);
		}
		after = ['已添加员工 ' + u.username, 'ok'];
		ctx.go('staff', { user: u.id });
	});
	return f;
}

// The user's live sessions (the server shows a hash of each token, never
// the token) and a button ending them all.
function sessionsCard(u, sessions, ctx) {
	const cols = [
		{ label: '编号', get: (s) => s.id },
		{ label: '登录于', get: (s) => datetime(s.created_at) },
		{ label: '到期', get: (s) => datetime(s.expires_at) },
	];
	const end = form({ id: 'staff-sessions-end' }, [
		h('div', { class: 'actions' },
		    h('button', { type: 'submit', id: 'staff-sessions-end-all',
			class: 'danger', disabled: sessions.length === 0 },
			'结束全部会话')),
	], async () => {
		if (!await confirm('结束 ' + u.username + ' 的全部会话？' +
		    (u.id === ctx.session.user_id ? '你自己也会退出。' :
		    '该员工需要重新登录。'), '结束'))
			return;
		await api('DELETE', '/api/v1/users/' + u.id + '/sessions');
		after = ['已结束 ' + u.username + ' 的全部会话', 'ok'];
		ctx.reload();
	});
	return h('div', { id: 'staff-sessions' },
	    h('h3', null, '当前会话（' + sessions.length + '）'),
	    table(cols, sessions, { empty: '没有在用的会话',
		rowAttrs: () => ({ class: 'session' }) }),
	    end);
}

// The card of one user: name and role, disable/enable, a new password.
function editCard(u, sessions, ctx) {
	const self = u.id === ctx.session.user_id;
	const edit = form({ id: 'staff-edit', class: 'staff-form' }, [
		h('div', { class: 'row' },
		    field('姓名', input('display_name', { id: 'staff-edit-name',
			value: u.display_name, maxlength: 100 })),
		    field('角色', select('role', ROLES, u.role,
			{ id: 'staff-edit-role' }))),
		h('div', { class: 'actions' },
		    h('button', { type: 'submit', id: 'staff-save' }, '保存')),
	], async (v) => {
		const body = {};
		const name = v.display_name.trim();
		if (name !== u.display_name) {
			if (name === '')
				throw new Error('姓名不能为空');
			body.display_name = name;
		}
		if (v.role !== u.role)
			body.role = v.role;
		if (Object.keys(body).length === 0)
			throw new Error('没有改动');
		if (body.role && !await confirm('把 ' + u.username + ' 的角色改为' +
		    ROLE_LABEL[body.role] + '？' + (self ?
		    '你自己的登录会结束，需要重新登录。' :
		    '该员工的登录会结束，需重新登录。'), '改角色'))
			return;
		try {
			await api('PATCH', '/api/v1/users/' + u.id, body);
		} catch (e) {
			throw refusal(e);
		}
		after = ['已保存 ' + u.username, 'ok'];
		ctx.reload();
	});

	const toggle = form({ id: 'staff-toggle' }, [
		h('p', null, u.disabled ?
		    '该账号已停用：不能登录。启用后可用原密码登录。' :
		    '停用后该员工立即退出，不能再登录；记录保留。'),
		h('div', { class: 'actions' }, u.disabled ?
		    h('button', { type: 'submit', id: 'staff-enable' }, '启用账号') :
		    h('button', { type: 'submit', id: 'staff-disable',
			class: 'danger' }, '停用账号')),
	], async () => {
		const disabled = !u.disabled;
		if (disabled && !await confirm('停用 ' + u.username + '（' +
		    (u.display_name || u.username) + '）？' + (self ?
		    '这是你自己的账号，你会立即退出。' :
		    '该员工会立即退出，不能再登录。'), '停用'))
			return;
		try {
			await api('PATCH', '/api/v1/users/' + u.id, { disabled });
		} catch (e) {
			throw refusal(e);
		}
		after = [(disabled ? '已停用 ' : '已启用 ') + u.username, 'ok'];
		ctx.reload();
	});

	const pw = (name, id) => input(name, { id, type: 'password',
	    autocomplete: 'new-password', maxlength: 128 });
	const reset = form({ id: 'staff-reset', class: 'staff-form' }, [
		h('div', { class: 'row' },
		    field('新密码', pw('password', 'staff-password'),
			'至少 8 个字符'),
		    field('再次输入', pw('again', 'staff-password-again'))),
		h('p', { class: 'muted' }, '设置后该员工的所有登录都会结束，' +
		    '请把新密码当面告诉本人，并请其登录后自行修改。'),
		h('div', { class: 'actions' },
		    h('button', { type: 'submit', id: 'staff-password-save' },
			'设置新密码')),
	], async (v, f) => {
		checkPassword(v.password, v.again);
		if (!await confirm('为 ' + u.username + ' 设置新密码？' + (self ?
		    '这是你自己的账号：你会退出，用新密码重新登录（只改自己的密码请用' +
		    '“修改密码”）。' : '该员工的所有登录都会结束。'), '设置'))
			return;
		try {
			await api('POST', '/api/v1/users/' + u.id + '/password',
			    { password: v.password });
		} catch (e) {
			throw refusal(e);
		}
		f.reset();
		flash('已为 ' + u.username + ' 设置新密码', 'ok');
	});

	return section(null,
	    h('h2', { id: 'staff-selected' }, u.username + ' · ' +
		(u.display_name || '') + ' ', status(u)),
	    h('p', { class: 'muted' }, '建于 ' + datetime(u.created_at) +
		'；最近登录 ' + (u.last_login_at ? datetime(u.last_login_at) :
		'从未')),
	    h('div', { class: 'staff-edit' },
		h('div', null, h('h3', null, '姓名和角色'), edit),
		h('div', null, h('h3', null, u.disabled ? '启用' : '停用'),
		    toggle),
		h('div', null, h('h3', null, '重置密码'), reset)),
	    sessionsCard(u, sessions, ctx),
	    h('p', null, link('关闭', 'staff')));
}

export async function render(main, ctx) {
	const users = await listAll('/api/v1/users');
	if (ctx.stale())
		return;
	const sel = Number(ctx.params.get('user')) || 0;
	const chosen = users.find((u) => u.id === sel);
	const sessions = chosen ? (await api('GET', '/api/v1/users/' +
	    chosen.id + '/sessions')).items : [];
	if (ctx.stale())
		return;

	const cols = [
		{ label: '用户名', get: (u) => u.username },
		{ label: '姓名', get: (u) => u.display_name },
		{ label: '角色', get: (u) => ROLE_LABEL[u.role] || u.role },
		{ label: '状态', get: status },
		{ label: '最近登录', get: (u) => u.last_login_at ?
		    datetime(u.last_login_at) : '从未' },
		{ label: '', get: (u) => link(u.id === sel ? '管理中' : '管理',
		    'staff', { user: u.id }) },
	];
	const list = table(cols, users, { rowAttrs: (u) => ({
		id: 'staff-row-' + u.id,
		'data-username': u.username,
		class: (u.disabled ? 'disabled' : '') +
		    (u.id === sel ? ' selected' : '') || null,
	}) });

	clear(main).append(header('员工'),
	    chosen ? editCard(chosen, sessions, ctx) : null,
	    section('全部员工（' + users.length + '）', list),
	    section('添加员工', createForm(ctx)));
	if (after)
		flash(...after);
	else if (sel && !chosen)
		flash('未找到该员工', 'error');
	after = null;
}
