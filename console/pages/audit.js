// 审计日志 (admin, auditor): who did what, when and from where, newest
// first, a page at a time. The filters (days, user, action) live in the
// address (#/audit?from=2026-11-01&to=2026-11-30&user_id=3&action=void),
// so a filtered view can be bookmarked or sent on; a user name or an
// action in the table filters by it when clicked. 查卡记录 below: who
// looked up how many household cards in the same days.
import { h, clear } from '../lib/dom.js';
import { api, listAll, qs } from '../lib/api.js';
import { datetime, num, today, addDays } from '../lib/fmt.js';
import { ROLE_LABEL, header, section, table, pagedTable, field, input,
	select, form, link, badge, errorText } from '../lib/ui.js';

// Every action the log records, in the order a person looks for them.
export const ACTIONS = [
	['login', '登录'],
	['login_failed', '登录失败'],
	['create', '新建'],
	['update', '修改'],
	['adjust', '库存调整'],
	['grant_monthly', '月度发放积分'],
	['grant_oneoff', '一次性发放积分'],
	['distribute', '领取'],
	['void', '作废'],
	['expense', '基金支出'],
	['publish', '发布公示'],
	['reset_password', '重置密码'],
	['change_password', '修改密码'],
	['replace_card', '补换卡'],
	['set_pin', '设置余额查询密码'],
];
const ACTION_LABEL = Object.fromEntries(ACTIONS);

const ENTITY_LABEL = {
	session: '登录',
	user: '员工',
	item: '物品',
	donor: '捐赠人',
	donation: '捐赠',
	stock: '库存',
	lot: '批次',
	household: '受助家庭',
	policy: '积分政策',
	grant: '积分发放',
	distribution: '领取',
	fund: '基金',
	expense: '支出',
	notice: '公示',
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// The filters from the address, checked: a bad one is dropped, not sent.
function filters(params) {
	const f = {
		from: params.get('from') || '',
		to: params.get('to') || '',
		user_id: params.get('user_id') || '',
		action: params.get('action') || '',
	};
	if (!params.has('from') && !params.has('to'))
		f.from = addDays(today(), -6);
	if (f.from && !DATE.test(f.from))
		f.from = '';
	if (f.to && !DATE.test(f.to))
		f.to = '';
	if (f.user_id && !/^[1-9]\d{0,15}$/.test(f.user_id))
		f.user_id = '';
	if (f.action && !ACTION_LABEL[f.action])
		f.action = '';
	return f;
}

// Who can be filtered by: an admin reads the staff list; an auditor may
// not, so it gets the users the log names in the chosen days (and the
// one filtered by, whatever it is).
async function userOptions(ctx, f) {
	const seen = new Map();
	try {
		if (ctx.session.role === 'admin') {
			for (const u of await listAll('/api/v1/users'))
				seen.set(String(u.id), u.username);
		} else {
			for (const a of await listAll('/api/v1/audit' +
			    qs({ from: f.from, to: f.to }), 2000))
				if (a.user_id && !seen.has(String(a.user_id)))
					seen.set(String(a.user_id), a.username);
		}
	} catch (e) {
		if (e.status === 401)
			throw e;
	}
	if (f.user_id && !seen.has(f.user_id))
		seen.set(f.user_id, '编号 ' + f.user_id);
	return [['', '全部用户'], ...[...seen.entries()]
	    .sort((a, b) => a[1].localeCompare(b[1]))];
}

function filterForm(ctx, f, users) {
	return form({ id: 'audit-filter', class: 'filters' }, [
		h('div', { class: 'row' },
		    field('从', input('from', { id: 'audit-from', type: 'date',
			value: f.from })),
		    field('到', input('to', { id: 'audit-to', type: 'date',
			value: f.to })),
		    field('用户', select('user_id', users, f.user_id,
			{ id: 'audit-user' })),
		    field('操作', select('action', [['', '全部操作'], ...ACTIONS],
			f.action, { id: 'audit-action' })),
		    h('div', { class: 'field' },
			h('button', { type: 'submit', id: 'audit-apply' }, '筛选'))),
	], async (v) => {
		if (v.from && v.to && v.from > v.to)
			throw new Error('开始日期不能晚于结束日期');
		const p = {};
		for (const k of ['from', 'to', 'user_id', 'action'])
			if (v[k])
				p[k] = v[k];
		if (!p.from && !p.to)
			p.from = p.to = ''; // "all days", kept in the address
		ctx.go('audit', p);
	});
}

// Who looked up household cards in the chosen days, most first; which
// cards is not kept (only their keyed hashes), so it is not shown.
async function cardLookups(f) {
	const cols = [
		{ label: '用户', get: (c) => c.username },
		{ label: '角色', get: (c) => ROLE_LABEL[c.role] || c.role },
		{ label: '查卡次数', num: true, get: (c) => num(c.lookups) },
		{ label: '不同卡数', num: true, get: (c) => num(c.cards) },
		{ label: '查到家庭', num: true, get: (c) => num(c.found) },
		{ label: '最早', get: (c) => datetime(c.first_at) },
		{ label: '最近', get: (c) => datetime(c.last_at) },
	];
	try {
		const j = await api('GET', '/api/v1/audit/card-lookups' +
		    qs({ from: f.from, to: f.to }));
		return table(cols, j.items, { empty: '这段时间没有查卡',
		    rowAttrs: (c) => ({ 'data-user': c.user_id || '',
			'data-username': c.username }) });
	} catch (e) {
		if (e.status === 401)
			throw e;
		return h('div', { class: 'flash error', role: 'alert' },
		    errorText(e));
	}
}

export async function render(main, ctx) {
	const f = filters(ctx.params);
	const users = await userOptions(ctx, f);
	if (ctx.stale())
		return;
	const here = (extra) => Object.assign({}, f, extra);
	const cols = [
		{ label: '时间', get: (a) => datetime(a.at) },
		{ label: '用户', get: (a) => a.user_id ?
		    link(a.username, 'audit', here({ user_id: a.user_id })) :
		    h('span', { class: 'muted' }, a.username || '—') },
		{ label: '角色', get: (a) => ROLE_LABEL[a.role] || a.role || '' },
		{ label: '操作', get: (a) => link(ACTION_LABEL[a.action] ||
		    a.action, 'audit', here({ action: a.action })) },
		{ label: '对象', get: (a) => (ENTITY_LABEL[a.entity] || a.entity ||
		    '') + (a.entity_id ? ' #' + a.entity_id : '') },
		{ label: '说明', get: (a) => a.detail },
		{ label: '来源', get: (a) => a.origin },
	];
	let list;
	try {
		list = await pagedTable('/api/v1/audit' + qs(f), cols, {
			limit: 50,
			class: 'audit',
			empty: '没有符合条件的记录',
			rowAttrs: (a) => ({ 'data-id': a.id, 'data-action': a.action,
			    'data-user': a.user_id || '',
			    class: a.action === 'login_failed' ? 'warn' : null }),
		});
	} catch (e) {
		if (e.status === 401)
			throw e;
		list = h('div', { class: 'flash error', role: 'alert' },
		    errorText(e));
	}
	if (ctx.stale())
		return;
	const lookups = await cardLookups(f);
	if (ctx.stale())
		return;
	const chips = [];
	if (f.user_id)
		chips.push(badge('用户：' + (users.find((u) => u[0] === f.user_id) ||
		    ['', f.user_id])[1]));
	if (f.action)
		chips.push(badge('操作：' + ACTION_LABEL[f.action]));
	clear(main).append(header('审计日志'),
	    section(null, filterForm(ctx, f, users),
		h('p', { class: 'muted', id: 'audit-summary' },
		    (f.from || f.to ? (f.from || '最早') + ' 至 ' + (f.to || '今天') :
			'全部日期') + '，最新的在前。', chips,
		    f.user_id || f.action ? [' ', link('清除用户和操作筛选', 'audit',
			{ from: f.from, to: f.to })] : null)),
	    section(null, h('div', { id: 'audit-list' }, list)),
	    section('查卡记录', h('p', { class: 'muted' }, '同一时段内谁查了多少' +
		'张受助家庭的卡（收银台刷卡、手输卡号）；只记次数，不记卡号。'),
		h('div', { id: 'audit-card-lookups' }, lookups)),
	    h('p', { class: 'muted' }, '审计日志只能查看，不能修改或删除。'));
}
