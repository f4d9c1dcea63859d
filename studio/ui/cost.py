"""The live cost figure, computed in the browser from the catalog's rates (no server round trip).

The script is generated from :mod:`studio.catalog`, so the browser never holds a price the
catalog does not. It works in mills ($0.001) with integers, which is exact for these rates, and
formats as :func:`studio.pricing.format_usd` does; a test checks the figure against the
server's quote in a real browser for every tier and audio setting.
"""

from __future__ import annotations

import json

from ..catalog import LIMITS, TIERS

__all__ = ["COST_JS", "rates_table"]


def rates_table() -> dict[str, dict[str, int]]:
    """Per-second rates in mills, by tier: ``{"pro": {"silent": 112, "audio": 168}}``."""
    return {t.key: {"silent": int(t.rates.silent * 1000), "audio": int(t.rates.audio * 1000)} for t in TIERS}


COST_JS = """
(tier, duration, audio, takes, compare, alt) => {
  const R = %s;
  const asked = Number(duration);
  if (!Number.isInteger(asked) || asked < %d || asked > %d) {
    // Never a price for a length that cannot be sent: the problem instead.
    const shown = Number.isFinite(asked) ? String(asked) : "?";
    return '<div class="cost-box"><div id="cost-figure" class="cost-figure cost-problem">—</div>' +
           '<div class="cost-lines" id="cost-problem">Clip length: ' + shown + ' s is not possible; ' +
           'a Kling 3.0 clip is %d–%d whole seconds.</div></div>';
  }
  const secs = asked;
  const prompts = (alt || "").trim() ? 2 : 1;
  const n = Math.max(1, Math.round(Number(takes) || 1)) * prompts;
  const usd = (m) => "$" + (m %% 10 === 0 ? (m / 1000).toFixed(2) : (m / 1000).toFixed(3));
  if (!R[tier]) tier = "standard";  // only catalog keys ever reach the markup below
  const tiers = [tier].concat((compare || []).filter((t) => t !== tier && R[t]));
  let total = 0, lines = [];
  for (const key of tiers) {
    const r = R[key] || R["standard"];
    const base = r.silent * secs * n;
    const extra = audio ? (r.audio - r.silent) * secs * n : 0;
    const each = n > 1 ? " × " + n : "";
    const name = tiers.length > 1 ? key + ": " : "";
    let line = name + secs + " s × " + usd(r.silent) + "/s" + each + " = " + usd(base);
    if (audio && r.audio !== r.silent) {
      line += "<br>" + name + "audio surcharge: " + secs + " s × " + usd(r.audio - r.silent) + "/s" + each + " = " + usd(extra);
    } else if (audio) {
      line += " (audio included, flat rate)";
    }
    lines.push(line);
    total += base + extra;
  }
  return '<div class="cost-box"><div id="cost-figure" class="cost-figure">' + usd(total) +
         '</div><div class="cost-lines">' + lines.join("<br>") + '</div></div>';
}
""" % (json.dumps(rates_table()), LIMITS.min_duration, LIMITS.max_duration, LIMITS.min_duration, LIMITS.max_duration)
