# Parley — the two commands a newcomer needs:
#   make run    install what is missing, build, and start Parley on http://127.0.0.1:8080 (data in ./data)
#   make test   install what the tests need, build, and run every test (Swift, PostgreSQL, browsers)
#
# Other targets: build, warnings, warnings-release, release, unit, webclient, browser, fuzz, bench-api, bench-media, bench-loadtest, bench-loops, bench-failover, bench-spanning, bench-pipes, bench-reconnect, soak, bench-gateway, audio-bench, clean.

SHELL        := /bin/bash
SWIFT        ?= swift
HTTP         ?= 127.0.0.1:8080
MEDIA        ?= 127.0.0.1:40000
SIP          ?= 127.0.0.1:5060
DATA_DIR     ?= ./data
VENV         ?= .venv
PYTHON       := $(VENV)/bin/python
VENV_CONTRACT ?= .venv-contract
PG_PORT      ?= 55432

# Debian packages: to build and run (OpenSSL and libsrtp2 for DTLS-SRTP, tzdata for
# time zones) and to test (a browser, a database, a TURN server, tools).
RUN_PACKAGES  := tzdata ca-certificates pkg-config libssl-dev libsrtp2-dev libopus-dev libspandsp-dev libspeexdsp-dev libsofia-sip-ua-dev ffmpeg fonts-dejavu-core fonts-wqy-microhei
TEST_PACKAGES := $(RUN_PACKAGES) chromium postgresql python3-venv iproute2 iptables util-linux coturn baresip-core linphone-cli sox espeak-ng nodejs firefox-esr kamailio

.PHONY: run test build warnings warnings-release release unit webclient browser contract fuzz bench-api bench-media bench-loadtest bench-loops bench-failover bench-spanning bench-cluster bench-pipes soak bench-reconnect bench-gateway bench-recording audio-bench clean deps-run deps-test

run: deps-run build
	@mkdir -p $(DATA_DIR)
	.build/debug/parley serve --http $(HTTP) --media $(MEDIA) --sip $(SIP) --data-dir $(DATA_DIR) $(if $(PUBLIC_ADDRESS),--public-address $(PUBLIC_ADDRESS))

# The recording tests encode and composite media with ffmpeg: run together
# with everything else they take both cores for minutes, and the real-time
# tests (SIP timers, ICE consent, the 20 ms phone mix) miss their deadlines.
# So they run in a pass of their own.
SWIFT_TEST  = $(SWIFT) test --skip-build
MEDIA_TESTS = '^RecordingTests\.'
# The gateway's admission tests flood a gateway with a hundred callers (and
# raise its loop's priority), and the Kamailio tests run Kamailio and up to
# two more gateways with their own 20 ms clocks: beside the other real-time
# tests (the 20 ms phone mix) they starve them, so they run in a pass of their own.
FLOOD_TESTS = '^GatewayTests\.(GatewayAdmissionTests|TrunkKamailioTests|KamailioDispatcherTests)'

test: deps-test build warnings webclient unit
	$(MAKE) --no-print-directory browser
	$(MAKE) --no-print-directory contract

# The build's output is kept in .build/build.log for `make warnings`.
build:
	@scripts/check-swift.sh
	@mkdir -p .build
	set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee .build/build.log

# Fails on any compiler warning from Parley's own code in the last build
# (dependencies' warnings excluded). CI builds from nothing, so every file is
# checked there; locally, only the files the last build recompiled.
warnings:
	scripts/check-warnings.sh .build/build.log

release:
	@scripts/check-swift.sh
	@mkdir -p .build
	set -o pipefail; $(SWIFT) build -c release --product parley 2>&1 | tee .build/release.log

# The warnings check on a release build (optimised code can warn where a
# debug build does not). Not part of `make test`: a cold release build doubles
# CI's build time; run it before a release and after upgrading Swift.
warnings-release: release
	scripts/check-warnings.sh .build/release.log

unit: build
	scripts/with-postgres.sh $(PG_PORT) $(SWIFT_TEST) --skip $(MEDIA_TESTS) --skip $(FLOOD_TESTS)
	$(SWIFT_TEST) --filter $(MEDIA_TESTS)
	$(SWIFT_TEST) --filter $(FLOOD_TESTS)

# The room client's DOM-free session (reconnection, ICE restarts) under Node's
# own test runner: no browser, no npm.
webclient:
	node --test Tests/WebClient/

# Browser tests: headless Chromium and Parley in a private network namespace
# that has only a loopback interface (see ../shared/TESTING.md).
browser: $(PYTHON)
	scripts/in-private-netns.sh $(PYTHON) -m pytest -q Tests/Browser

# API contract test: schemathesis drives every operation of the OpenAPI document
# against a Parley (built binary) in the same kind of private network namespace.
contract: $(VENV_CONTRACT)/bin/python
	scripts/in-private-netns.sh $(VENV_CONTRACT)/bin/python -m pytest -q Tests/Contract

$(VENV_CONTRACT)/bin/python: Tests/Contract/requirements.txt
	python3 -m venv $(VENV_CONTRACT)
	$(VENV_CONTRACT)/bin/pip install --quiet --disable-pip-version-check -r Tests/Contract/requirements.txt
	@touch $(VENV_CONTRACT)/bin/python

fuzz:
	scripts/fuzz.sh

# API benchmark on a release build (its own scratch folder), SQLite then PostgreSQL.
bench-api: .venv-bench/bin/python
	@scripts/install-packages.sh wrk postgresql
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	scripts/in-private-netns.sh .venv-bench/bin/python Benchmarks/api_bench.py --engine sqlite
	scripts/in-private-netns.sh .venv-bench/bin/python Benchmarks/api_bench.py --engine postgres

# Media benchmark on a release build: join time through the meeting page and the
# SFU's CPU and memory per forwarded stream, with headless Chromium (Playwright from .venv).
# Browserless WebRTC load (`parley loadtest`) on Parley and on Janus's VideoRoom
# (same shape, side by side), server and generator pinned to their own cores;
# LOADTEST_FLAGS go to the generator (see `parley loadtest --help`).
bench-loadtest:
	@scripts/install-packages.sh janus
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	Benchmarks/loadtest_bench.sh $(LOADTEST_FLAGS)

# A killed node's participants back in their meetings through another node
# (p50/p95), with the browserless load generator; PostgreSQL, two nodes.
bench-failover:
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	Benchmarks/failover_bench.sh

# One meeting whose media spans two nodes, against one node holding it all.
bench-spanning:
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	Benchmarks/spanning_bench.sh

# Participants a cluster of 1, 2 and 3 nodes carries, each node held to the
# same slice of a core by a cgroup (NODE_CPU, default 0.15).
bench-cluster:
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	Benchmarks/cluster_bench.sh

# What a track costs crossing to another loop or another node (in-process).
bench-pipes:
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product PipeBench --scratch-path .build-release
	.build-release/release/PipeBench

# One media loop against two, and a room spread over both (pipes), same load.
bench-loops:
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	Benchmarks/loops_bench.sh

# Churn soak on a release build: an hour of browserless participants joining,
# sending media and leaving in waves (Benchmarks/soak.sh; SOAK_FLAGS e.g.
# --minutes 12): resident memory must grow < 2 %, fds, sockets, transports and
# rooms must come back, no crash. Not part of make test.
soak:
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	Benchmarks/soak.sh $(SOAK_FLAGS)

bench-media: $(PYTHON)
	@scripts/install-packages.sh chromium
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	scripts/in-private-netns.sh $(PYTHON) Benchmarks/media_bench.py

# Reconnection benchmark on a release build: network cuts in the private
# namespace, time from the network's return to video flowing (p50, p95).
bench-reconnect: $(PYTHON)
	@scripts/install-packages.sh chromium iptables
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	scripts/in-private-netns.sh $(PYTHON) Benchmarks/reconnect_bench.py

# Phone-gateway benchmark on a release build: synthetic G.711 callers (calls per
# core, frames late or lost, the delay the gateway adds) and the PESQ score of a
# caller's speech as a headless Chromium participant hears it.
bench-gateway: .venv-bench/bin/python
	@scripts/install-packages.sh chromium espeak-ng sox ffmpeg linphone-common libopus-dev libspandsp-dev libsofia-sip-ua-dev
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product parley --scratch-path .build-release
	scripts/in-private-netns.sh .venv-bench/bin/python Benchmarks/gateway_bench.py

# Recording benchmark on a release build: how fast a meeting composites into an
# MP4 (2, 4 and 8 participants), and how many meetings one process records at
# once (real rooms, publishers and recorders in one process). BENCH_ARGS passes
# options, e.g. BENCH_ARGS="--meeting-seconds 30 --rooms 1,4,16"; see --help.
bench-recording:
	@scripts/install-packages.sh ffmpeg fonts-dejavu-core fonts-wqy-microhei libopus-dev libssl-dev libsrtp2-dev
	@scripts/check-swift.sh
	$(SWIFT) build -c release --product RecordingBench --scratch-path .build-release
	.build-release/release/RecordingBench $(BENCH_ARGS)

# What the phone audio path costs per 20 ms frame (codecs, resampling, mixing).
audio-bench:
	@scripts/check-swift.sh
	$(SWIFT) run -c release --scratch-path .build-release AudioBench

.venv-bench/bin/python: Benchmarks/requirements.txt
	python3 -m venv .venv-bench
	.venv-bench/bin/pip install --quiet --disable-pip-version-check -r Benchmarks/requirements.txt
	@touch .venv-bench/bin/python

deps-run:
	@scripts/install-packages.sh $(RUN_PACKAGES)

deps-test:
	@scripts/install-packages.sh $(TEST_PACKAGES)
	@$(MAKE) --no-print-directory $(PYTHON) $(VENV_CONTRACT)/bin/python

$(PYTHON): Tests/Browser/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/Browser/requirements.txt
	@touch $(PYTHON)

clean:
	rm -rf .build .build-release $(VENV) $(VENV_CONTRACT) .venv-bench Fuzz/.build
