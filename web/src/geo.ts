// Geodesy on the WGS 84 ellipsoid (NIMA TR8350.2: a = 6378137 m, f = 1/298.257223563) by
// Vincenty's formulae (T. Vincenty, "Direct and inverse solutions of geodesics on the
// ellipsoid...", Survey Review XXIII 176, 1975), with a spherical fallback for the nearly
// antipodal points where the inverse iteration does not converge.
const A = 6378137;
const F = 1 / 298.257223563;
const B = A * (1 - F);
const RAD = Math.PI / 180;
const MEAN_RADIUS = 6371008.8;

export interface Inverse { distance: number; bearing: number; finalBearing: number }

// Distance (m) and initial bearing (degrees true, 0..360) from (lat1, lon1) to (lat2, lon2).
export function inverse(lat1: number, lon1: number, lat2: number, lon2: number): Inverse {
  const L = (lon2 - lon1) * RAD;
  const U1 = Math.atan((1 - F) * Math.tan(lat1 * RAD));
  const U2 = Math.atan((1 - F) * Math.tan(lat2 * RAD));
  const sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
  let lambda = L, iter = 0;
  let sinSigma = 0, cosSigma = 0, sigma = 0, cosSqAlpha = 0, cos2SigmaM = 0, sinLambda = 0, cosLambda = 0;
  for (;;) {
    sinLambda = Math.sin(lambda); cosLambda = Math.cos(lambda);
    sinSigma = Math.hypot(cosU2 * sinLambda, cosU1 * sinU2 - sinU1 * cosU2 * cosLambda);
    if (sinSigma === 0) return { distance: 0, bearing: 0, finalBearing: 0 };
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    cosSqAlpha = 1 - sinAlpha * sinAlpha;
    cos2SigmaM = cosSqAlpha !== 0 ? cosSigma - (2 * sinU1 * sinU2) / cosSqAlpha : 0;
    const C = (F / 16) * cosSqAlpha * (4 + F * (4 - 3 * cosSqAlpha));
    const prev = lambda;
    lambda = L + (1 - C) * F * sinAlpha *
      (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - prev) < 1e-12) break;
    if (++iter > 200) return sphericalInverse(lat1, lon1, lat2, lon2);
  }
  const uSq = (cosSqAlpha * (A * A - B * B)) / (B * B);
  const Acoef = 1 + (uSq / 16384) * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
  const Bcoef = (uSq / 1024) * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
  const deltaSigma = Bcoef * sinSigma * (cos2SigmaM + (Bcoef / 4) * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
    (Bcoef / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
  const distance = B * Acoef * (sigma - deltaSigma);
  const a1 = Math.atan2(cosU2 * sinLambda, cosU1 * sinU2 - sinU1 * cosU2 * cosLambda);
  const a2 = Math.atan2(cosU1 * sinLambda, -sinU1 * cosU2 + cosU1 * sinU2 * cosLambda);
  return { distance, bearing: norm360(a1 / RAD), finalBearing: norm360(a2 / RAD) };
}

// The point at `distance` m along initial bearing `bearing` (degrees) from (lat, lon).
export function direct(lat: number, lon: number, bearing: number, distance: number): [number, number] {
  const alpha1 = bearing * RAD;
  const sinAlpha1 = Math.sin(alpha1), cosAlpha1 = Math.cos(alpha1);
  const tanU1 = (1 - F) * Math.tan(lat * RAD);
  const cosU1 = 1 / Math.sqrt(1 + tanU1 * tanU1), sinU1 = tanU1 * cosU1;
  const sigma1 = Math.atan2(tanU1, cosAlpha1);
  const sinAlpha = cosU1 * sinAlpha1;
  const cosSqAlpha = 1 - sinAlpha * sinAlpha;
  const uSq = (cosSqAlpha * (A * A - B * B)) / (B * B);
  const Acoef = 1 + (uSq / 16384) * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
  const Bcoef = (uSq / 1024) * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
  let sigma = distance / (B * Acoef), sigmaP = 2 * Math.PI, cos2SigmaM = 0, sinSigma = 0, cosSigma = 0;
  for (let i = 0; i < 200 && Math.abs(sigma - sigmaP) > 1e-12; i++) {
    cos2SigmaM = Math.cos(2 * sigma1 + sigma);
    sinSigma = Math.sin(sigma); cosSigma = Math.cos(sigma);
    const deltaSigma = Bcoef * sinSigma * (cos2SigmaM + (Bcoef / 4) * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
      (Bcoef / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
    sigmaP = sigma;
    sigma = distance / (B * Acoef) + deltaSigma;
  }
  sinSigma = Math.sin(sigma); cosSigma = Math.cos(sigma); cos2SigmaM = Math.cos(2 * sigma1 + sigma);
  const tmp = sinU1 * sinSigma - cosU1 * cosSigma * cosAlpha1;
  const lat2 = Math.atan2(sinU1 * cosSigma + cosU1 * sinSigma * cosAlpha1, (1 - F) * Math.hypot(sinAlpha, tmp));
  const lambda = Math.atan2(sinSigma * sinAlpha1, cosU1 * cosSigma - sinU1 * sinSigma * cosAlpha1);
  const C = (F / 16) * cosSqAlpha * (4 + F * (4 - 3 * cosSqAlpha));
  const L = lambda - (1 - C) * F * sinAlpha *
    (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
  return [norm180(lon + L / RAD), lat2 / RAD];
}

function sphericalInverse(lat1: number, lon1: number, lat2: number, lon2: number): Inverse {
  const p1 = lat1 * RAD, p2 = lat2 * RAD, dl = (lon2 - lon1) * RAD;
  const h = Math.sin((p2 - p1) / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  const distance = 2 * MEAN_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)));
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  const b = norm360(Math.atan2(y, x) / RAD);
  return { distance, bearing: b, finalBearing: b };
}

// A geodesic circle (lon, lat ring, closed) of `radius` m around (lat, lon).
export function circle(lat: number, lon: number, radius: number, steps = 96): [number, number][] {
  const ring: [number, number][] = [];
  for (let i = 0; i <= steps; i++) ring.push(direct(lat, lon, (360 * i) / steps, radius));
  return ring;
}

// Points along the geodesic from a to b (lon, lat), for drawing the measuring line.
export function geodesicLine(a: [number, number], b: [number, number], steps = 64): [number, number][] {
  const inv = inverse(a[1], a[0], b[1], b[0]);
  const out: [number, number][] = [];
  for (let i = 0; i <= steps; i++) out.push(direct(a[1], a[0], inv.bearing, (inv.distance * i) / steps));
  return out;
}

export function norm360(d: number): number { return ((d % 360) + 360) % 360; }
export function norm180(d: number): number { return ((((d + 180) % 360) + 360) % 360) - 180; }

export function formatDistance(m: number): string {
  const nm = m / 1852;
  return m < 10000 ? `${m.toFixed(0)} m (${nm.toFixed(2)} NM)` : `${(m / 1000).toFixed(1)} km (${nm.toFixed(1)} NM)`;
}
