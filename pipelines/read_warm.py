"""Imported last by the fork server that starts the reading workers (read_worker.PRELOAD), and by
nothing else: fills once the caches every read consults (the accepted headings, built from the
catalogue), so that no worker pays the half second of loading the catalogue."""
from pipelines import layout

layout.indicator_headings()
