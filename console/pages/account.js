// 修改密码: every role changes its own password. The current one is
// checked by the server as a log-in is (a wrong one counts towards the
// log-in throttle); the new one is typed twice and compared here, before
// anything is sent. The server ends this user's other sessions and keeps
// this one.
import { h, clear } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { ROLE_LABEL, header, section, field, input, form, flash,
	errorText } from '../lib/ui.js';

const MIN = 10;
const MAX = 128;

function bytes(s) {
	return new TextEncoder().encode(s).length;
}

export async function render(main, ctx) {
	const s = ctx.session;
	const pw = (id, auto) => input(id.replace('account-', ''), {
		id, type: 'password', autocomplete: auto, maxlength: MAX,
		required: true });
	const cur = pw('account-current', 'current-password');
	const neu = pw('account-new', 'new-password');
	const again = pw('account-confirm', 'new-password');
	const done = h('p', { id: 'account-done', class: 'flash ok',
	    role: 'status', hidden: true });

	const f = form({ id: 'account-form', class: 'narrow' }, [
		field('当前密码', cur),
		field('新密码', neu, '至少 ' + MIN + ' 个字符（汉字按 3 个计）'),
		field('再次输入新密码', again),
		h('div', { class: 'actions' },
		    h('button', { type: 'submit', id: 'account-save' }, '修改密码')),
	], async (v) => {
		done.hidden = true;
		if (v.current === '')
			throw new Error('请输入当前密码');
		if (bytes(v.new) < MIN || bytes(v.new) > MAX)
			throw new Error('新密码须为 ' + MIN + ' 到 ' + MAX + ' 个字符');
		if (v.new !== v.confirm) {
			again.focus();
			throw new Error('两次输入的新密码不一致');
		}
		if (v.new === v.current)
			throw new Error('新密码不能与当前密码相同');
		try {
			await api('POST', '/api/v1/sessions/current/password',
			    { current_password: v.current, new_password: v.new });
		} catch (e) {
			if (e.code === 'wrong_password') {
				cur.select();
				throw new Error(e.details && e.details.retry_after_ms ?
				    '当前密码错误次数过多，请稍后再试' :
				    '当前密码不正确，密码未修改');
			}
			throw new Error(errorText(e));
		}
		f.reset();
		clear(done).append('密码已修改。其他设备上的登录已退出，' +
		    '本页保持登录。');
		done.hidden = false;
		flash('密码已修改', 'ok');
	});

	main.append(header('修改密码'),
	    section('我的账号',
		h('dl', { class: 'account-who' },
		    h('dt', null, '用户名'), h('dd', { id: 'account-username' },
			s.username),
		    h('dt', null, '姓名'), h('dd', null, s.display_name || '—'),
		    h('dt', null, '角色'), h('dd', null,
			ROLE_LABEL[s.role] || s.role))),
	    section('修改密码', f, done));
	cur.focus();
}
