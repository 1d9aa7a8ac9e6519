// The map of incidents by kecamatan for the leader's period (lib/choropleth.ts): inline SVG,
// each kecamatan shaded by its count with its name and count as a tooltip, a legend of the
// classes and the incidents without a kecamatan; a click (or Enter) opens the same incident
// list as the kecamatan table.
import { langStore, useT } from '../data';
import { mapModel, ZERO_COLOR, inkOn, type MapDistrict } from '../lib/choropleth';
import { count } from '../lib/format';
import type { BreakdownRow, Drill } from '../lib/stats';
import { useStore } from '../lib/store';
import { Empty } from './common';

export function DistrictMap(p: { districts: MapDistrict[]; rows: BreakdownRow[]; onDrill?: (d: Drill) => void }) {
  const t = useT();
  const lang = useStore(langStore);
  const m = mapModel(p.districts, p.rows);
  if (!m.shapes.length) return <Empty>{t('map_empty')}</Empty>;
  const open = (id: string) => p.onDrill?.({ dim: 'district', value: id });
  return (
    <figure class="dmap" data-testid="district-map" data-none={m.none} data-mode={m.circles ? 'circles' : 'boundaries'}>
      <svg viewBox={`0 0 ${m.width} ${m.height}`} role="group" aria-label={t('map_title')}>
        {m.shapes.map((s) => {
          const tip = t('map_tip', { d: s.name, n: count(s.count, lang) });
          const common = {
            key: s.id,
            class: 'dmap-area' + (p.onDrill ? ' clickable' : ''),
            'data-key': s.id,
            'data-count': s.count,
            'data-color': s.color,
            tabindex: p.onDrill ? 0 : undefined,
            role: (p.onDrill ? 'button' : 'img') as 'button' | 'img',
            onClick: () => open(s.id),
            onKeyDown: (e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), open(s.id)),
          };
          return s.path ? (
            <path {...common} d={s.path} fill={s.color} fill-rule="evenodd">
              <title>{tip}</title>
            </path>
          ) : (
            <g {...common}>
              <title>{tip}</title>
              <circle cx={s.circle!.x} cy={s.circle!.y} r={s.circle!.r} fill={s.color} />
              <text x={s.label.x} y={s.label.y} text-anchor="middle" class="dmap-name">
                {s.name}
              </text>
              <text x={s.circle!.x} y={s.circle!.y + 4} text-anchor="middle" class="dmap-n" fill={inkOn(s.color)}>
                {count(s.count, lang)}
              </text>
            </g>
          );
        })}
        {m.shapes
          .filter((s) => s.path)
          .map((s) => (
            <text key={'l' + s.id} x={s.label.x} y={s.label.y} text-anchor="middle" class="dmap-name dmap-label" fill={inkOn(s.color)} aria-hidden="true">
              {s.name}
            </text>
          ))}
      </svg>
      <figcaption>
        <div class="dmap-legend" data-testid="map-legend">
          <span class="muted small">{t('map_legend')}:</span>
          <span class="dmap-class">
            <span class="dmap-swatch" style={{ background: ZERO_COLOR }} />0
          </span>
          {m.classes.map((c) => (
            <span key={c.lo} class="dmap-class" data-color={c.color}>
              <span class="dmap-swatch" style={{ background: c.color }} />
              {c.lo === c.hi ? count(c.lo, lang) : `${count(c.lo, lang)}–${count(c.hi, lang)}`}
            </span>
          ))}
          <span class="dmap-class" data-testid="map-none">
            {t('no_district')}: {count(m.none, lang)}
          </span>
        </div>
        {m.approximate && (
          <p class="muted small" data-testid="map-approximate">
            {t('map_approx')}
          </p>
        )}
        {m.circles && <p class="muted small">{t('map_circles')}</p>}
      </figcaption>
    </figure>
  );
}
