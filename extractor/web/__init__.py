"""The service: the review workbench in a browser, and the extraction API, on one store.

    app       `create_app(settings)`: the FastAPI app, its errors as JSON with a stable code
    settings  what a service is started with (`Settings`): data folder, people, limits
    people    reviewers known by their token; signed session cookies; CSRF tokens
    uploads   request bodies streamed to disk under a cap, told by content, kept by hash
    guard     before every route: security headers, the same-origin rule for changes, body time and size
    params    the bounds of a request's numbers and cursors
    worker    the dispatcher: accepted documents read on the batch engine's pools, people in turn, its faults outlived
    api       the JSON API under /v1
    pages     the pages: sign-in, the queue, a document under review, its history
    views     what a document page shows, worked out from a result (the tables as printed, why)
    source    where a cell was read from: text lines, grid neighbours, a PDF page with its box

Nothing here is imported by `extractor --version` or by a batch: only `extractor serve` loads it.
"""
