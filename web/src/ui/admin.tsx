// Admin pages: agencies (with notification endpoints when the server has them), categories
// with run cards, SOP and SLA, users and roles, the jurisdiction (admin_jurisdiction.tsx) and
// the map's tile source.
import { useEffect, useState } from 'preact/hooks';
import { get, patch, post, put } from '../api/client';
import type { Agency, AgencyKind, Category, DispatchRole, ItemList, Role, RunCardEntry, SlaPolicy, Urgency, User } from '../api/types';
import { dirStore, langStore, loadDirectory, useDirectory, useT } from '../data';
import { enumName } from '../lib/i18n';
import { SLA_STEPS, slaLimit, withSlaLimit, type SlaStep, type SlaUnit } from '../lib/sla';
import { useStore } from '../lib/store';
import { formatLimit } from '../lib/time';
import { EnumSelect, errorText, Modal, SaveCancel, toast } from './common';
import { JurisdictionSettingsForm } from './admin_jurisdiction';
import { PlacesAdmin } from './admin_places';
import { localTiles, OSM } from './map';
import { SecurityEvents } from './security';

const TABS = ['agencies', 'categories', 'users', 'jurisdiction', 'places', 'map'] as const;

export function AdminPage(p: { tab: string }) {
  const t = useT();
  const tab = (TABS as readonly string[]).includes(p.tab) ? p.tab : 'agencies';
  const label: Record<string, string> = {
    agencies: t('admin_agencies'),
    categories: t('admin_categories'),
    users: t('admin_users'),
    jurisdiction: t('admin_jurisdiction'),
    places: t('admin_places'),
    map: t('admin_map'),
  };
  return (
    <div class="admin">
      <nav class="tabs">
        {TABS.map((x) => (
          <a key={x} href={'#/admin/' + x} class={x === tab ? 'on' : ''} data-testid={'tab-' + x}>
            {label[x]}
          </a>
        ))}
      </nav>
      <div class="admin-body panel">
        {tab === 'agencies' && <Agencies />}
        {tab === 'categories' && <Categories />}
        {tab === 'users' && (
          <>
            <Users />
            <SecurityEvents limit={20} />
          </>
        )}
        {tab === 'jurisdiction' && <JurisdictionSettingsForm />}
        {tab === 'places' && <PlacesAdmin />}
        {tab === 'map' && <MapSettings />}
      </div>
    </div>
  );
}

async function saved<T>(fn: () => Promise<T>, ok: string): Promise<T | null> {
  try {
    const r = await fn();
    toast(ok);
    await loadDirectory();
    return r;
  } catch (e) {
    toast(errorText(e), 'error');
    return null;
  }
}

// ---------- agencies ----------

interface Endpoint {
  kind: 'webhook' | 'telegram';
  url: string;
  chat_id: string;
  active: boolean;
  has_secret?: boolean;
  secret?: string;
}
type AgencyWithEndpoints = Agency & { endpoints?: Endpoint[] };

function Agencies() {
  const t = useT();
  const lang = useStore(langStore);
  const dir = useStore(dirStore);
  const withEndpoints = dir.routes.has('/api/v1/notifications');
  const [edit, setEdit] = useState<AgencyWithEndpoints | null>(null);
  const agencies = dir.agencies as AgencyWithEndpoints[];
  return (
    <>
      <div class="admin-head">
        <h2>{t('admin_agencies')}</h2>
        <button class="btn btn-primary" onClick={() => setEdit({ id: '', code: '', name: '', kind: 'other', phone: '', active: true, endpoints: [] })}>
          + {t('add')}
        </button>
      </div>
      <table class="table">
        <thead>
          <tr>
            <th>{t('code')}</th>
            <th>{t('name')}</th>
            <th>{t('kind')}</th>
            <th>{t('phone')}</th>
            {withEndpoints && <th>{t('endpoints')}</th>}
            <th>{t('active')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {agencies.map((a) => (
            <tr key={a.id} class={a.active ? '' : 'muted'}>
              <td class="mono">{a.code}</td>
              <td>{a.name}</td>
              <td>{enumName(lang, 'agency_kind', a.kind)}</td>
              <td class="mono">{a.phone}</td>
              {withEndpoints && <td>{(a.endpoints ?? []).map((e) => e.kind + (e.active ? '' : ' (off)')).join(', ') || '—'}</td>}
              <td>{a.active ? t('yes') : t('no')}</td>
              <td class="right">
                <button class="btn btn-small" onClick={() => setEdit(a)} data-testid={'edit-agency-' + a.code}>
                  {t('edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {edit && <AgencyForm agency={edit} withEndpoints={withEndpoints} onClose={() => setEdit(null)} />}
    </>
  );
}

function AgencyForm(p: { agency: AgencyWithEndpoints; withEndpoints: boolean; onClose: () => void }) {
  const t = useT();
  const [a, setA] = useState<AgencyWithEndpoints>({ ...p.agency, endpoints: (p.agency.endpoints ?? []).map((e) => ({ ...e })) });
  const set = (patch: Partial<AgencyWithEndpoints>) => setA((prev) => ({ ...prev, ...patch }));
  const setEndpoint = (i: number, patch: Partial<Endpoint>) =>
    setA((prev) => ({ ...prev, endpoints: prev.endpoints!.map((e, j) => (j === i ? { ...e, ...patch } : e)) }));
  const submit = async () => {
    const body: Record<string, unknown> = { code: a.code, name: a.name, kind: a.kind, phone: a.phone, active: a.active };
    if (p.withEndpoints) {
      body.endpoints = a.endpoints!.map((e) => ({
        kind: e.kind,
        url: e.kind === 'webhook' ? e.url : undefined,
        chat_id: e.kind === 'telegram' ? e.chat_id : undefined,
        active: e.active,
        ...(e.secret ? { secret: e.secret } : {}),
      }));
    }
    const r = await saved(() => (a.id ? put(`/agencies/${a.id}`, body) : post('/agencies', body)), t('saved'));
    if (r) p.onClose();
  };
  return (
    <Modal title={a.id ? `${t('edit')} ${a.code}` : t('add')} onClose={p.onClose}>
      <div class="form-grid">
        <label>
          {t('code')}
          <input class="input" value={a.code} onInput={(e) => set({ code: e.currentTarget.value })} />
        </label>
        <label>
          {t('name')}
          <input class="input" value={a.name} onInput={(e) => set({ name: e.currentTarget.value })} />
        </label>
        <label>
          {t('kind')}
          <EnumSelect kind="agency_kind" value={a.kind} onChange={(kind: AgencyKind) => set({ kind })} />
        </label>
        <label>
          {t('phone')}
          <input class="input" value={a.phone} onInput={(e) => set({ phone: e.currentTarget.value })} />
        </label>
        <label class="check">
          <input type="checkbox" checked={a.active} onChange={(e) => set({ active: e.currentTarget.checked })} /> {t('active')}
        </label>
      </div>
      {p.withEndpoints && (
        <>
          <h4>{t('endpoints')}</h4>
          {a.endpoints!.map((e, i) => (
            <div class="endpoint-row" key={i}>
              <select class="input input-small" value={e.kind} onChange={(ev) => setEndpoint(i, { kind: ev.currentTarget.value as Endpoint['kind'] })}>
                <option value="webhook">Webhook</option>
                <option value="telegram">Telegram</option>
              </select>
              {e.kind === 'webhook' ? (
                <>
                  <input class="input" placeholder="https://…" value={e.url} onInput={(ev) => setEndpoint(i, { url: ev.currentTarget.value })} data-testid="endpoint-url" />
                  <input class="input" type="password" placeholder={e.has_secret ? '•••••• (secret)' : 'secret'} value={e.secret ?? ''} onInput={(ev) => setEndpoint(i, { secret: ev.currentTarget.value })} data-testid="endpoint-secret" />
                </>
              ) : (
                <input class="input" placeholder="chat id" value={e.chat_id} onInput={(ev) => setEndpoint(i, { chat_id: ev.currentTarget.value })} />
              )}
              <label class="check">
                <input type="checkbox" checked={e.active} onChange={(ev) => setEndpoint(i, { active: ev.currentTarget.checked })} /> {t('active')}
              </label>
              <button class="btn btn-small btn-ghost" onClick={() => set({ endpoints: a.endpoints!.filter((_, j) => j !== i) })}>
                ×
              </button>
            </div>
          ))}
          <button class="btn btn-small" onClick={() => set({ endpoints: [...a.endpoints!, { kind: 'webhook', url: '', chat_id: '', active: true }] })} data-testid="endpoint-add">
            + {t('add')}
          </button>
        </>
      )}
      <SaveCancel onSave={submit} onCancel={p.onClose} testid="save" />
    </Modal>
  );
}

// ---------- categories ----------

function Categories() {
  const t = useT();
  const lang = useStore(langStore);
  const { dir, agency } = useDirectory();
  const [edit, setEdit] = useState<Category | null>(null);
  const blank: Category = {
    id: '',
    code: '',
    name_id: '',
    name_en: '',
    urgency: 'urgent',
    run_card: [],
    sop: [],
    sla: {
      dispatch_within_s: 600,
      acknowledge_within_s: 0,
      on_scene_within_s: 0,
      complete_within_s: 0,
      close_within_s: 0,
      dispatch_within_days: 0,
      acknowledge_within_days: 0,
      on_scene_within_days: 0,
      complete_within_days: 0,
      close_within_days: 0,
    },
    active: true,
  };
  return (
    <>
      <div class="admin-head">
        <h2>{t('admin_categories')}</h2>
        <button class="btn btn-primary" onClick={() => setEdit(blank)}>
          + {t('add')}
        </button>
      </div>
      <table class="table">
        <thead>
          <tr>
            <th>{t('name')}</th>
            <th>{t('urgency')}</th>
            <th>{t('run_card')}</th>
            <th>{t('sop')}</th>
            <th>{t('sla')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {dir.categories.map((c) => (
            <tr key={c.id} class={c.active ? '' : 'muted'}>
              <td>
                <strong>{lang === 'en' && c.name_en ? c.name_en : c.name_id}</strong> <span class="muted small mono">{c.code}</span>
              </td>
              <td>
                <span class={'urg urg-' + c.urgency}>{enumName(lang, 'urgency', c.urgency)}</span>
              </td>
              <td>
                {c.run_card.map((e, i) => (
                  <span key={i} class={'dchip' + (e.role === 'primary' ? ' dchip-primary' : '')}>
                    {agency(e.agency_id)?.code}
                  </span>
                ))}
              </td>
              <td>{c.sop.length}</td>
              <td class="small">
                {SLA_STEPS.map((step) => {
                  const days = c.sla[`${step}_within_days`];
                  return days ? t('working_days_n', { n: days }) : formatLimit(c.sla[`${step}_within_s`], lang);
                }).join(' / ')}
              </td>
              <td class="right">
                <button class="btn btn-small" onClick={() => setEdit(c)} data-testid={'edit-cat-' + c.code}>
                  {t('edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {edit && <CategoryForm category={edit} onClose={() => setEdit(null)} />}
    </>
  );
}

/** One step of a category's SLA: a number and its unit (minutes, hours or working days). */
function SlaLimitField(p: { step: SlaStep; sla: SlaPolicy; onChange: (sla: SlaPolicy) => void }) {
  const t = useT();
  const [limit, setLimit] = useState(() => slaLimit(p.sla, p.step));
  const change = (value: string, unit: SlaUnit) => {
    setLimit({ value, unit });
    p.onChange(withSlaLimit(p.sla, p.step, value, unit));
  };
  return (
    <label>
      {t(`sla_step_${p.step}`)}
      <span class="input-with-unit">
        <input class="input" inputMode="decimal" value={limit.value} data-testid={`sla-${p.step}`} onInput={(e) => change(e.currentTarget.value, limit.unit)} />
        <select class="input input-small" value={limit.unit} data-testid={`sla-${p.step}-unit`} onChange={(e) => change(limit.value, e.currentTarget.value as SlaUnit)}>
          <option value="min">{t('unit_minutes')}</option>
          <option value="h">{t('unit_hours')}</option>
          <option value="wd">{t('unit_working_days')}</option>
        </select>
      </span>
    </label>
  );
}

function CategoryForm(p: { category: Category; onClose: () => void }) {
  const t = useT();
  const dir = useStore(dirStore);
  const [c, setC] = useState<Category>({ ...p.category, run_card: p.category.run_card.map((e) => ({ ...e })) });
  const [sop, setSop] = useState(p.category.sop.join('\n'));
  const [addAgency, setAddAgency] = useState('');
  const set = (patch: Partial<Category>) => setC((prev) => ({ ...prev, ...patch }));
  const move = (i: number, by: number) => {
    const rc = [...c.run_card];
    const [x] = rc.splice(i, 1);
    rc.splice(Math.max(0, Math.min(rc.length, i + by)), 0, x!);
    set({ run_card: rc });
  };
  const submit = async () => {
    const body = {
      code: c.code,
      name_id: c.name_id,
      name_en: c.name_en,
      urgency: c.urgency,
      run_card: c.run_card,
      sop: sop.split('\n').map((s) => s.trim()).filter(Boolean),
      sla: c.sla,
      active: c.active,
    };
    const r = await saved(() => (c.id ? put(`/categories/${c.id}`, body) : post('/categories', body)), t('saved'));
    if (r) p.onClose();
  };
  return (
    <Modal title={c.id ? `${t('edit')} ${c.name_id}` : t('add')} onClose={p.onClose} wide>
      <div class="form-grid">
        <label>
          {t('code')}
          <input class="input" value={c.code} onInput={(e) => set({ code: e.currentTarget.value })} />
        </label>
        <label>
          {t('name_id')}
          <input class="input" value={c.name_id} onInput={(e) => set({ name_id: e.currentTarget.value })} />
        </label>
        <label>
          {t('name_en')}
          <input class="input" value={c.name_en} onInput={(e) => set({ name_en: e.currentTarget.value })} />
        </label>
        <label>
          {t('urgency')}
          <EnumSelect kind="urgency" value={c.urgency} onChange={(urgency: Urgency) => set({ urgency })} />
        </label>
        <label class="check">
          <input type="checkbox" checked={c.active} onChange={(e) => set({ active: e.currentTarget.checked })} /> {t('active')}
        </label>
      </div>
      <h4>{t('run_card')}</h4>
      <ol class="runcard">
        {c.run_card.map((e: RunCardEntry, i) => (
          <li key={e.agency_id}>
            <strong>{dir.agencies.find((a) => a.id === e.agency_id)?.code}</strong>
            <select class="input input-small" value={e.role} onChange={(ev) => set({ run_card: c.run_card.map((x, j) => (j === i ? { ...x, role: ev.currentTarget.value as DispatchRole } : x)) })}>
              <option value="primary">{t('primary')}</option>
              <option value="supporting">{t('supporting')}</option>
            </select>
            <button class="btn btn-small btn-ghost" onClick={() => move(i, -1)} disabled={i === 0}>
              ↑
            </button>
            <button class="btn btn-small btn-ghost" onClick={() => move(i, 1)} disabled={i === c.run_card.length - 1}>
              ↓
            </button>
            <button class="btn btn-small btn-ghost" onClick={() => set({ run_card: c.run_card.filter((_, j) => j !== i) })}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <select
        class="input input-small"
        data-testid="runcard-add"
        value={addAgency}
        onChange={(e) => {
          const id = e.currentTarget.value;
          if (id) set({ run_card: [...c.run_card, { agency_id: id, role: c.run_card.length ? 'supporting' : 'primary' }] });
          setAddAgency('');
        }}
      >
        <option value="">+ {t('agencies')}…</option>
        {dir.agencies
          .filter((a) => !c.run_card.some((e) => e.agency_id === a.id))
          .map((a) => (
            <option key={a.id} value={a.id}>
              {a.code} — {a.name}
            </option>
          ))}
      </select>
      <h4>{t('sla')}</h4>
      <p class="muted small">{t('sla_units_hint')}</p>
      <div class="form-grid sla-grid">
        {SLA_STEPS.map((step) => (
          <SlaLimitField key={step} step={step} sla={c.sla} onChange={(sla) => set({ sla })} />
        ))}
      </div>
      <h4>{t('sop_lines')}</h4>
      <textarea class="input" rows={6} value={sop} onInput={(e) => setSop(e.currentTarget.value)} />
      <SaveCancel onSave={submit} onCancel={p.onClose} testid="save" />
    </Modal>
  );
}

// ---------- users ----------

function Users() {
  const t = useT();
  const lang = useStore(langStore);
  const { agency } = useDirectory();
  const [users, setUsers] = useState<User[]>([]);
  const [edit, setEdit] = useState<(User & { password?: string }) | null>(null);
  const [again, setAgain] = useState(0);
  useEffect(() => {
    get<ItemList<User>>('/users')
      .then((r) => setUsers(r.items))
      .catch((e) => toast(errorText(e), 'error'));
  }, [again]);
  return (
    <>
      <div class="admin-head">
        <h2>{t('admin_users')}</h2>
        <button
          class="btn btn-primary"
          onClick={() => setEdit({ id: '', username: '', display_name: '', role: 'call_taker', agency_id: null, active: true, created_at: '', password: '' })}
          data-testid="add-user"
        >
          + {t('add')}
        </button>
      </div>
      <table class="table">
        <thead>
          <tr>
            <th>{t('username')}</th>
            <th>{t('display_name')}</th>
            <th>{t('role')}</th>
            <th>{t('agencies')}</th>
            <th>{t('pbx_agent')}</th>
            <th>{t('active')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} class={u.active ? '' : 'muted'}>
              <td class="mono">{u.username}</td>
              <td>{u.display_name}</td>
              <td>{enumName(lang, 'role', u.role)}</td>
              <td>{agency(u.agency_id)?.code ?? ''}</td>
              <td class="mono">{u.pbx_agent ?? ''}</td>
              <td>{u.active ? t('yes') : t('no')}</td>
              <td class="right">
                <button class="btn btn-small" onClick={() => setEdit({ ...u, password: '' })}>
                  {t('edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {edit && (
        <UserForm
          user={edit}
          onClose={(changed) => {
            setEdit(null);
            if (changed) setAgain((n) => n + 1);
          }}
        />
      )}
    </>
  );
}

function UserForm(p: { user: User & { password?: string }; onClose: (changed: boolean) => void }) {
  const t = useT();
  const dir = useStore(dirStore);
  const [u, setU] = useState(p.user);
  const set = (patch: Partial<typeof u>) => setU((prev) => ({ ...prev, ...patch }));
  const submit = async () => {
    const agency_id = u.role === 'agency_operator' ? u.agency_id : null;
    try {
      if (u.id) {
        const body: Record<string, unknown> = { display_name: u.display_name, role: u.role, agency_id, active: u.active, pbx_agent: u.pbx_agent ?? '' };
        if (u.password) body.password = u.password;
        if (u.must_change_password) body.must_change_password = true;
        await patch(`/users/${u.id}`, body);
      } else {
        await post('/users', {
          username: u.username,
          display_name: u.display_name,
          role: u.role,
          agency_id: agency_id ?? undefined,
          password: u.password,
          pbx_agent: u.pbx_agent || undefined,
          must_change_password: !!u.must_change_password,
        });
      }
      toast(t('saved'));
      p.onClose(true);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  return (
    <Modal title={u.id ? `${t('edit')} ${u.username}` : t('add')} onClose={() => p.onClose(false)}>
      <div class="form-grid">
        <label>
          {t('username')}
          <input class="input" value={u.username} disabled={!!u.id} onInput={(e) => set({ username: e.currentTarget.value })} data-testid="user-username" />
        </label>
        <label>
          {t('display_name')}
          <input class="input" value={u.display_name} onInput={(e) => set({ display_name: e.currentTarget.value })} data-testid="user-display_name" />
        </label>
        <label>
          {t('role')}
          <EnumSelect kind="role" value={u.role} onChange={(role: Role) => set({ role })} testid="user-role" />
        </label>
        {u.role === 'agency_operator' && (
          <label>
            {t('agencies')}
            <select class="input" value={u.agency_id ?? ''} onChange={(e) => set({ agency_id: e.currentTarget.value || null })} data-testid="user-agency">
              <option value="">—</option>
              {dir.agencies.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.code} — {a.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('pbx_agent')}
          <input class="input" value={u.pbx_agent ?? ''} placeholder="ext201" onInput={(e) => set({ pbx_agent: e.currentTarget.value.trim() })} data-testid="user-pbx_agent" />
        </label>
        <label>
          {u.id ? t('new_password') : t('password')}
          <input class="input" type="password" autoComplete="new-password" value={u.password ?? ''} onInput={(e) => set({ password: e.currentTarget.value })} data-testid="user-password" />
        </label>
        {u.id && (
          <label class="check">
            <input type="checkbox" checked={u.active} onChange={(e) => set({ active: e.currentTarget.checked })} /> {t('active')}
          </label>
        )}
        <label class="check">
          <input type="checkbox" checked={!!u.must_change_password} onChange={(e) => set({ must_change_password: e.currentTarget.checked })} data-testid="user-must-change" />{' '}
          {t('user_must_change')}
        </label>
      </div>
      <SaveCancel onSave={submit} onCancel={() => p.onClose(false)} testid="save" />
    </Modal>
  );
}

// ---------- map ----------

function MapSettings() {
  const t = useT();
  const local = useStore(localTiles);
  const mode = local === null ? 'server' : !local.url ? 'none' : local.url === OSM.url ? 'osm' : 'custom';
  const [custom, setCustom] = useState(mode === 'custom' ? local!.url : '');
  return (
    <>
      <div class="admin-head">
        <h2>{t('tile_source')}</h2>
      </div>
      <p class="muted">{t('tile_note')}</p>
      <div class="radio-list">
        <label class="check">
          <input type="radio" checked={mode === 'server'} onChange={() => localTiles.set(null)} /> config.json
        </label>
        <label class="check">
          <input type="radio" checked={mode === 'none'} onChange={() => localTiles.set({ url: '', attribution: '', max_zoom: 19 })} /> {t('tile_none')}
        </label>
        <label class="check">
          <input type="radio" checked={mode === 'osm'} onChange={() => localTiles.set(OSM)} /> {t('tile_osm')}
        </label>
        <label class="check">
          <input type="radio" checked={mode === 'custom'} onChange={() => custom && localTiles.set({ url: custom, attribution: '', max_zoom: 19 })} /> {t('tile_custom')}
          <input class="input" placeholder="https://…/{z}/{x}/{y}.png" value={custom} onInput={(e) => setCustom(e.currentTarget.value)} onChange={(e) => e.currentTarget.value && localTiles.set({ url: e.currentTarget.value, attribution: '', max_zoom: 19 })} />
        </label>
      </div>
    </>
  );
}
