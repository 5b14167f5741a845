[pytest]
addopts = -q
env =
    DATABASE_URL=postgresql://ci:ci-pass-123@postgres/test
