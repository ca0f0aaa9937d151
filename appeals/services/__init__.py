"""The database layer, one module per job: appeals (submit, retry, sweep, access keys),
rendering (render and store: one path for a single appeal and a batch chunk alike), bulk
(staging, enqueue, processing, progress, export). Web views, the CLI and the Celery tasks call
these; these never import them."""
