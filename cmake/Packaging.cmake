# `make deb` -> build/poolaudit_<version>_amd64.deb. Depends comes from dpkg-shlibdeps (the shared
# libraries the binary really links: libc alone with POOLAUDIT_STATIC_DEPS), so it cannot go stale.
install(FILES README.md DESTINATION share/doc/poolaudit)
install(DIRECTORY docs/ DESTINATION share/doc/poolaudit/docs)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "poolaudit")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "poolaudit maintainers")
set(CPACK_PACKAGE_CONTACT "poolaudit maintainers <maintainers@users.noreply.b-seed-9c8bb8dc.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "audits SQLAlchemy connection pools, sessions and Alembic set-ups in Python backends")
# The synopsis is the summary above; this is the extended description below it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "poolaudit reads Python backends (it never imports or runs them) and finds SQLAlchemy
connection-pool, session and Alembic misconfigurations: NullPool with sizing options,
async engines on sync pools, sessions that are never closed, Alembic migrations holding
pooled connections, credentials in URLs. It writes text, Markdown, JSON, SARIF, GitHub
annotations and GitLab Code Quality reports, for terminals, pre-commit and CI gates.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # poolaudit_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${POOLAUDIT_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}")
include(CPack)
