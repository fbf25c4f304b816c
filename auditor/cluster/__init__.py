"""Extract and check on a Dask cluster (``--dask``): the client's run (:mod:`auditor.cluster.run`) and the task each
worker runs on one part of the sources (:mod:`auditor.cluster.tasks`). Needs the optional extra ``auditor[dask]``."""
