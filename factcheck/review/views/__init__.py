"""The editor workspace's views, one module per page: `dashboard`, `articles` (list,
submission, the reader and its status/panels), `triage` (the reader's actions), `claims`
(the claim page), `quotes` (the quote page), `links` (cross-linking claims and quotes) and
`search`. Each view finds its object through `factcheck.review.access`, validates a form,
calls one service and answers through `factcheck.review.responses`."""
