// The admin's gazetteer page: which imports the centre's place search holds, and an upload of
// an OpenStreetMap extract (.osm) or a CSV of landmarks with its progress and what it did.
import { useEffect, useState } from 'preact/hooks';
import { get, upload } from '../api/client';
import { useT } from '../data';
import { errorText } from './common';

interface Sources {
  items: { source: string; count: number }[];
}
interface ImportResult {
  source: string;
  imported: number;
  replaced: number;
  skipped_count: number;
  skipped: { where: string; message: string }[];
}

/** The format a file's name says it is in. */
export const formatOf = (fileName: string): 'osm' | 'csv' => (/\.(osm|xml)$/i.test(fileName) ? 'osm' : 'csv');

export function PlacesAdmin() {
  const t = useT();
  const [sources, setSources] = useState<Sources['items']>([]);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('admin');
  const [pct, setPct] = useState<number | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState('');
  const load = () => get<Sources>('/places/sources').then((s) => setSources(s.items), (e) => setError(errorText(e)));
  useEffect(() => void load(), []);

  const send = async () => {
    if (!file) return;
    const format = formatOf(file.name);
    setError('');
    setResult(null);
    setPct(0);
    try {
      const query = format === 'csv' ? `format=csv&name=${encodeURIComponent(name)}` : 'format=osm';
      const r = await upload<ImportResult>(`/places/import?${query}`, file, (f) => setPct(Math.round(f * 100)));
      setResult(r);
      void load();
    } catch (e) {
      setError(errorText(e, 'places_import'));
    } finally {
      setPct(null);
    }
  };

  return (
    <div class="places-admin" data-testid="places-admin">
      <p class="muted">{t('places_intro')}</p>
      <table class="table" data-testid="place-sources">
        <thead>
          <tr>
            <th>{t('places_source')}</th>
            <th class="right">{t('places_count')}</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => (
            <tr key={s.source}>
              <td class="mono">{s.source}</td>
              <td class="right">{s.count.toLocaleString('id-ID')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="field">
        <label class="field-label">
          {t('places_file')}
          <input type="file" accept=".csv,.osm,.xml,text/csv,application/xml" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} data-testid="places-file" />
        </label>
        {file && formatOf(file.name) === 'csv' && (
          <label class="field-label">
            {t('places_name')}
            <input class="input" value={name} pattern="[a-z0-9_-]{1,40}" onInput={(e) => setName(e.currentTarget.value)} data-testid="places-name" />
          </label>
        )}
        <button class="btn btn-primary" disabled={!file || pct !== null} onClick={send} data-testid="places-upload">
          {t('places_upload')}
        </button>
        {pct !== null && <progress max={100} value={pct} aria-label={t('places_upload')} />}
      </div>
      {error && (
        <div class="form-error" role="alert" data-testid="places-error">
          {error}
        </div>
      )}
      {result && (
        <div class="note" role="status" data-testid="places-result">
          {t('places_done', { s: result.source, n: result.imported.toLocaleString('id-ID'), r: result.replaced.toLocaleString('id-ID'), k: result.skipped_count })}
        </div>
      )}
    </div>
  );
}
