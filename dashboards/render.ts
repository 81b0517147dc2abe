import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';

/**
 * Server-side rendering of Vega-Lite specs: Vega-Lite → Vega → SVG with the headless renderer (no
 * canvas needed; text widths are estimated), and SVG → PNG with resvg. The SVG is self-contained:
 * it is inlined into HTML pages that open offline.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function pngOptions(width?: number): ResvgRenderOptions {
  return {
    background: 'white',
    fitTo: width ? { mode: 'width', value: width } : { mode: 'original' },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  };
}

export function svgToPng(svg: string, width?: number): Buffer {
  return Buffer.from(new Resvg(svg, pngOptions(width)).render().asPng());
}

/** The same PNG as `svgToPng`, rasterised on the libuv thread pool (the event loop stays free). */
export async function svgToPngAsync(svg: string, width?: number): Promise<Buffer> {
  return Buffer.from((await renderAsync(svg, pngOptions(width))).asPng());
}

/** The look shared by every chart: one font, muted axes, the project palette. */
export const THEME = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  ok: '#2e7d32',
  missed: '#c62828',
  neutral: '#546e7a',
  severity: {
    critical: '#7b1fa2',
    high: '#c62828',
    medium: '#ef6c00',
    low: '#f9a825',
    informational: '#607d8b',
  } as Record<string, string>,
};

export function baseConfig(): Record<string, unknown> {
  return {
    font: THEME.font,
    view: { stroke: null },
    axis: { labelColor: '#37474f', titleColor: '#37474f', gridColor: '#eceff1', domainColor: '#b0bec5', tickColor: '#b0bec5' },
    legend: { labelColor: '#37474f', titleColor: '#37474f' },
    title: { color: '#263238', fontSize: 13, anchor: 'start' },
  };
}
