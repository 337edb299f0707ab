"""The Content-Security-Policy of every portal page, defined once: the theme's base
template puts it in a <meta> (GitHub Pages cannot send headers), and `mspsite serve`
sends it as a header with every answer.

It is the second line of defence behind the HTML sanitiser and the media check: if
contributor text ever got script into a page, the browser would not run it. So no
page holds inline script: the theme's scripts are files under assets/, Pagefind's
under pagefind/, serve's under /__mspsite__/. Nothing is loaded from another origin."""

from __future__ import annotations

POLICY = "; ".join((
    "default-src 'self'",
    # Pagefind compiles its search index reader from WebAssembly
    "script-src 'self' 'wasm-unsafe-eval'",
    # the charts' and the brand colours' <style> elements; CSS runs no script, and with
    # every load restricted to 'self' it cannot send anything elsewhere either
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
))

# As headers only: browsers ignore frame-ancestors in a <meta> policy.
HEADERS = {
    "Content-Security-Policy": POLICY + "; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
}
