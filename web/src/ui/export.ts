// The export of the view (docs/api.md "Layer filters"): the query of GET /api/v1/export that
// asks the node for what the analyst sees - the map's bounding box and the layers hidden in the
// layers panel (view.hidden keys src:/nat:/dom:/lab:, as web/src/app.ts layerVisible() applies
// them) - or, with `ids`, a selection. The node applies them to the audience's picture: they
// can only remove tracks.
const PARAMETER_OF_KIND: Record<string, string> = {
  src: 'hide_source', nat: 'hide_nation', dom: 'hide_domain', lab: 'hide_label',
};

export function exportQuery(format: string, bbox: [number, number, number, number] | null,
                            hidden: Iterable<string>, ids?: number[]): string {
  const p = new URLSearchParams();
  p.set('format', format);
  if (bbox) p.set('bbox', bbox.map((v) => v.toFixed(5)).join(','));
  // One value per parameter, repeated: a rendered label holds commas.
  for (const key of [...hidden].sort()) {
    const colon = key.indexOf(':');
    const name = colon > 0 ? PARAMETER_OF_KIND[key.slice(0, colon)] : undefined;
    if (name) p.append(name, key.slice(colon + 1));
  }
  if (ids && ids.length) p.set('ids', ids.join(','));
  return p.toString();
}
