// The map: Leaflet with district shapes and incident markers drawn as vectors, so that it
// works with no tile server at all (a plain background). Tiles come from config.json in the
// web root or this browser's setting (Admin → Peta); none by default.

import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'preact/hooks';
import type { District, GeoPoint } from '../api/types';
import { boxOf, voronoiCells } from '../lib/geo';
import { createStore, useStore } from '../lib/store';

export interface TileConfig {
  url: string;
  attribution: string;
  max_zoom: number;
}

export const OSM: TileConfig = {
  url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  attribution: '&copy; OpenStreetMap contributors',
  max_zoom: 19,
};

const serverTiles = createStore<TileConfig | null>(null);
let serverTilesRequested = false;

function loadServerTiles(): void {
  if (serverTilesRequested) return;
  serverTilesRequested = true;
  fetch('/config.json')
    .then((r) => (r.ok ? r.json() : null))
    .then((c: { tile_url?: string; tile_attribution?: string; tile_max_zoom?: number } | null) => {
      if (c?.tile_url) serverTiles.set({ url: c.tile_url, attribution: c.tile_attribution ?? '', max_zoom: c.tile_max_zoom ?? 19 });
    })
    .catch(() => undefined);
}

/** This browser's choice: null = the server's default; {url: ''} = no tiles. */
export const localTiles = createStore<TileConfig | null>(readLocalTiles());
function readLocalTiles(): TileConfig | null {
  try {
    const raw = localStorage.getItem('siaga.tiles');
    return raw ? (JSON.parse(raw) as TileConfig) : null;
  } catch {
    return null;
  }
}
localTiles.subscribe((t) => {
  if (t) localStorage.setItem('siaga.tiles', JSON.stringify(t));
  else localStorage.removeItem('siaga.tiles');
});

export function useTiles(): TileConfig | null {
  loadServerTiles();
  const local = useStore(localTiles);
  const server = useStore(serverTiles);
  const t = local ?? server;
  return t && t.url ? t : null;
}

export interface MapMarker {
  id: string;
  at: GeoPoint;
  color: string;
  title: string;
  /** Drawn larger, with a halo (emergencies, the selected item). */
  emphasis?: boolean;
  /** The draft location being placed. */
  draft?: boolean;
  pulse?: boolean;
  /** A location fix from the caller's phone: drawn with its radius; the newest stands out. */
  fix?: { radius_m: number | null; newest: boolean };
}

export interface MapProps {
  districts: District[];
  markers: MapMarker[];
  onPick?: (p: GeoPoint) => void;
  onMarker?: (id: string) => void;
  /** Pan to this point when it changes. */
  focus?: GeoPoint | null;
  className?: string;
  /** Leave the map still (the leader's and supervisor's overview). */
  interactive?: boolean;
}

const DISTRICT_COLORS = ['#4f6d8f', '#5b7f6a', '#8a6d4f', '#6d5b8f', '#4f8a8a', '#7f5b6a', '#6a7f4f'];

export function MapView(props: MapProps) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const districtLayer = useRef<L.LayerGroup | null>(null);
  const markerLayer = useRef<L.LayerGroup | null>(null);
  const tileLayer = useRef<L.TileLayer | null>(null);
  const home = useRef<L.LatLngBoundsExpression | null>(null);
  const moved = useRef(false);
  const handlers = useRef(props);
  handlers.current = props;
  const tiles = useTiles();

  // Create once.
  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, {
      zoomControl: props.interactive !== false,
      attributionControl: true,
      zoomSnap: 0.25,
      preferCanvas: false,
    });
    m.attributionControl.setPrefix('');
    m.setView([-2.5, 118], 5);
    districtLayer.current = L.layerGroup().addTo(m);
    markerLayer.current = L.layerGroup().addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => handlers.current.onPick?.({ lat: e.latlng.lat, lon: e.latlng.lng }));
    // Until a person pans or zooms, the map keeps the whole city in view as its box resizes.
    for (const ev of ['mousedown', 'wheel', 'touchstart', 'keydown']) {
      el.current.addEventListener(ev, () => (moved.current = true), { passive: true });
    }
    map.current = m;
    const ro = new ResizeObserver(() => {
      m.invalidateSize();
      if (!moved.current && home.current) m.fitBounds(home.current, { animate: false });
    });
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      m.remove();
      map.current = null;
    };
  }, []);

  // Tiles.
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    tileLayer.current?.remove();
    tileLayer.current = null;
    if (tiles) {
      tileLayer.current = L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: tiles.max_zoom }).addTo(m);
    }
    el.current?.classList.toggle('map-plain', !tiles);
  }, [tiles?.url]);

  // Districts: their boundaries, or Voronoi cells of their centres when they have none.
  const districtKey = props.districts.map((d) => d.id).join(',');
  useEffect(() => {
    const m = map.current;
    const layer = districtLayer.current;
    if (!m || !layer) return;
    layer.clearLayers();
    const centres = props.districts.filter((d) => d.center).map((d) => d.center!);
    const box = boxOf(centres, 0.8, 0.03);
    const cells = box ? voronoiCells(props.districts.filter((d) => !d.boundary), box) : new Map();
    const view = boxOf(centres, 0.3, 0.02);
    props.districts.forEach((d, i) => {
      const color = DISTRICT_COLORS[i % DISTRICT_COLORS.length]!;
      const style = { color, weight: 1.5, opacity: 0.8, fillColor: color, fillOpacity: 0.07, dashArray: d.boundary ? undefined : '4 4' };
      let shape: L.Layer | null = null;
      if (d.boundary) {
        shape = L.geoJSON(d.boundary as unknown as GeoJSON.GeoJsonObject, { style: () => style, interactive: false });
      } else if (cells.has(d.id)) {
        shape = L.polygon(cells.get(d.id)!, { ...style, interactive: false });
      }
      if (shape) layer.addLayer(shape);
      if (d.center) {
        layer.addLayer(
          L.marker([d.center.lat, d.center.lon], {
            icon: L.divIcon({ className: 'district-label', html: `<span>${escapeHtml(d.name)}</span>`, iconSize: [120, 16], iconAnchor: [60, 8] }),
            interactive: false,
            keyboard: false,
          }),
        );
      }
    });
    if (view) {
      home.current = [
        [view.south, view.west],
        [view.north, view.east],
      ];
      if (!moved.current) m.fitBounds(home.current, { animate: false });
    }
  }, [districtKey]);

  // Markers.
  useEffect(() => {
    const layer = markerLayer.current;
    if (!layer) return;
    layer.clearLayers();
    for (const mk of props.markers) {
      if (mk.draft) {
        layer.addLayer(
          L.marker([mk.at.lat, mk.at.lon], {
            icon: L.divIcon({ className: 'draft-pin', html: '<span></span>', iconSize: [22, 22], iconAnchor: [11, 22] }),
            title: mk.title,
            keyboard: false,
          }),
        );
        layer.addLayer(L.circle([mk.at.lat, mk.at.lon], { radius: 500, color: '#1f6feb', weight: 1, dashArray: '3 4', fillOpacity: 0.04, interactive: false }));
        continue;
      }
      if (mk.fix) {
        const cls = 'fix-circle' + (mk.fix.newest ? ' fix-newest' : '');
        if (mk.fix.radius_m) {
          layer.addLayer(
            L.circle([mk.at.lat, mk.at.lon], {
              radius: mk.fix.radius_m,
              color: mk.color,
              weight: mk.fix.newest ? 2 : 1,
              opacity: mk.fix.newest ? 0.9 : 0.45,
              fillOpacity: mk.fix.newest ? 0.15 : 0.05,
              className: cls,
              interactive: false,
            }),
          );
        }
        const dot = L.circleMarker([mk.at.lat, mk.at.lon], { radius: mk.fix.newest ? 6 : 4, color: '#ffffff', weight: 2, fillColor: mk.color, fillOpacity: mk.fix.newest ? 1 : 0.5, className: cls + '-dot' });
        dot.bindTooltip(escapeHtml(mk.title), { direction: 'top', offset: [0, -6] });
        layer.addLayer(dot);
        continue;
      }
      const c = L.circleMarker([mk.at.lat, mk.at.lon], {
        radius: mk.emphasis ? 9 : 6,
        color: '#ffffff',
        weight: 2,
        fillColor: mk.color,
        fillOpacity: 0.95,
        className: mk.pulse ? 'marker-pulse' : '',
      });
      c.bindTooltip(escapeHtml(mk.title), { direction: 'top', offset: [0, -6] });
      c.on('click', (e: L.LeafletMouseEvent) => {
        L.DomEvent.stopPropagation(e);
        handlers.current.onMarker?.(mk.id);
      });
      layer.addLayer(c);
    }
  }, [JSON.stringify(props.markers)]);

  // Focus: close in on the point (a street-level view), and stop following the city's box.
  useEffect(() => {
    const m = map.current;
    if (m && props.focus) {
      moved.current = true;
      // Street level with tiles; without them a closer view would show nothing around the point.
      m.setView([props.focus.lat, props.focus.lon], Math.max(m.getZoom(), tiles ? 16 : 13), { animate: false });
    } else if (m && 'focus' in props && home.current) {
      // The point was cleared (a new form): back to the whole city.
      moved.current = false;
      m.fitBounds(home.current, { animate: false });
    }
  }, [props.focus?.lat, props.focus?.lon]);

  return <div ref={el} class={'map ' + (props.className ?? '')} data-testid="map" />;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
