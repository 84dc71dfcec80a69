"""Second line of data quality, after the upload gate (pipelines.schema): a great-expectations suite over the stored
values (completeness, timeliness, outliers, consistency over time, internal consistency), after
the WHO Data Quality Review framework. GX is imported lazily: never on a page load or an ingest."""
