"""Publishing results that are already computed: a database table, an open-data package,
a PDF and a static site of every period.

Every module here only reads what the pipeline produced (summary records, rendered
reports, manifests); none computes a figure.
"""
