# The SARIF 2.1.0 JSON schema the sarif tests validate against, from the npm registry, pinned by
# sha256 like tree-sitter (cmake/TreeSitter.cmake), so that a fresh clone tests with nothing beside it.
#
# No registry package ships the OASIS errata01 file byte for byte (docs.oasis-open.org
# .../v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json). Microsoft's @microsoft/jest-sarif ships
# 2.1.0-rtm.5, the committee's final draft of the same schema (draft-04, 22 KB package). It differs
# from errata01 only where the errata tightened it: `"type": "string"` next to enums, the region
# `anyOf` (a region needs startLine, charOffset or byteOffset) and the language-tag pattern; the
# sarif test checks regions itself. (@microsoft/sarif-multitool-linux's copy is a 43 MB package and
# a rewrite for JSON Schema 2020-12.) -DPOOLAUDIT_SARIF_SCHEMA=FILE validates against another copy.
poolaudit_fetch_npm(@microsoft/jest-sarif 1.0.0-beta.0
  748e2c3d1a842e7bb258416685c7ea3a0da40005b72267b2052c2856d48ad102 jest_sarif_dir)
set(POOLAUDIT_SARIF_SCHEMA "${jest_sarif_dir}/lib/schemas/sarif-2.1.0-rtm.5.json" CACHE FILEPATH
    "The SARIF 2.1.0 JSON schema (draft-04) the sarif tests validate against")
# A build directory configured before this file existed cached the schema in ../shared: replace it.
if(POOLAUDIT_SARIF_SCHEMA MATCHES "/\\.\\./shared/")
  set(POOLAUDIT_SARIF_SCHEMA "${jest_sarif_dir}/lib/schemas/sarif-2.1.0-rtm.5.json" CACHE FILEPATH
      "The SARIF 2.1.0 JSON schema (draft-04) the sarif tests validate against" FORCE)
endif()
