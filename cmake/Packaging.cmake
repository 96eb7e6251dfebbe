# Packaging: what `cmake --install` adds for users beyond the binary and its data (the README, the
# documentation and the example jobs), the Debian package CPack makes from it, and the tests of
# the release artefacts (tests/release). Included once, at the end of the top-level CMakeLists.txt,
# so that every install() rule of the project is already declared. docs/install.md says how the
# artefacts are made (scripts/release) and used.

include(GNUInstallDirs)

# /usr/share/doc/mlscale in the package: the README, docs/ as it is in the repository (the rule
# pages that SARIF's helpUri names included) and the example jobs, so that `mlscale advise
# /usr/share/doc/mlscale/examples/imagenet-resnet50.json` works on a fresh install.
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(FILES examples/imagenet-resnet50.json examples/llm-pretraining.json examples/tabular-xgboost.json
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
if(EXISTS ${PROJECT_SOURCE_DIR}/LICENSE)
  install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

# The Debian package (`cpack -G DEB --config build/CPackConfig.cmake`; scripts/release runs it).
set(MLSCALE_PACKAGE_CONTACT "mlscale developers <https://github.com/mlscale/mlscale/issues>"
  CACHE STRING "Maintainer field of the Debian package (\"Name <address>\")")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mlscale)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "mlscale")
set(CPACK_PACKAGE_CONTACT "${MLSCALE_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/mlscale/mlscale")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "scaling advisor for ML training infrastructure on AWS")
# The extended description, which dpkg shows under the summary line (CPack indents it).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "mlscale reads a description of a training job (dataset, model, deadline, budget, what runs
today and what was measured) and answers with a plan: storage, instance type and count,
parallelism, ETL, deployment, cost and reliability advice, each backed by numbers and a cited
best practice. `mlscale check` runs the same rules on infrastructure proposals in CI
(SageMaker API requests, CloudFormation, Terraform plans, Kubernetes resources), with SARIF,
JUnit and GitHub annotations as outputs.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr) # scripts/release packs its staged tree under usr/ too
set(CPACK_STRIP_FILES ON) # the build keeps its debug information; the package does not need it
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # mlscale_VERSION-RELEASE_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# gzip, like the tarball: xz would save 0.8 MB of 2.8 and take five times as long (the test suite packs twice).
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
if(MLSCALE_STATIC)
  # A static PIE needs no shared library, not even libc: the package depends on nothing.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
else()
  # A dynamic build: let dpkg-shlibdeps (dpkg-dev) list the libraries it links.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
# `cpack` run by hand writes into build/packages/, not among the build outputs.
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
include(CPack)

if(MLSCALE_BUILD_TESTS)
  add_subdirectory(tests/release)
endif()
