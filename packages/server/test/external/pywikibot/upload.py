"""Uploads to a wiki the way a pywikibot bot does, unchanged pywikibot.

usage: upload.py MODE FILE TITLE [URL]   (PYWIKIBOT_DIR holds user-config.py and the password file)
MODE: direct | chunked | async | url | reupload
Prints one JSON line: {"ok": bool, "sha1": str|None, "error": str|None}.
"""
import json
import sys

import pywikibot

mode, path, title = sys.argv[1], sys.argv[2], sys.argv[3]
site = pywikibot.Site()
site.login()
page = pywikibot.FilePage(site, title)
kwargs = {'comment': f'pywikibot {mode}', 'text': 'Uploaded by pywikibot', 'report_success': False}
try:
    if mode == 'direct':
        ok = site.upload(page, source_filename=path, ignore_warnings=False, **kwargs)
    elif mode == 'reupload':
        ok = site.upload(page, source_filename=path, ignore_warnings=True, **kwargs)
    elif mode == 'chunked':
        ok = site.upload(page, source_filename=path, chunk_size=64 * 1024, ignore_warnings=False, **kwargs)
    elif mode == 'async':
        ok = site.upload(page, source_filename=path, chunk_size=64 * 1024, asynchronous=True,
                         ignore_warnings=False, **kwargs)
    elif mode == 'url':
        # The source is a file of this wiki: its copy draws a duplicate warning, ignored here.
        ok = site.upload(page, source_url=sys.argv[4], ignore_warnings=True, **kwargs)
    else:
        raise SystemExit(f'unknown mode {mode}')
    page = pywikibot.FilePage(site, title)
    sha1 = page.latest_file_info.sha1 if page.exists() else None
    print(json.dumps({'ok': bool(ok), 'sha1': sha1, 'error': None}))
except Exception as e:  # the test shows what went wrong
    print(json.dumps({'ok': False, 'sha1': None, 'error': f'{type(e).__name__}: {e}'}))
