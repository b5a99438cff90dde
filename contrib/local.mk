EXTRA_DIST += contrib/README contrib/build-unbound.sh contrib/install-deps.sh \
	contrib/build.sh contrib/quickstart.sh contrib/test.sh \
	contrib/gen-infrastructure.py \
	contrib/policy-zone.md \
	contrib/debian/README contrib/debian/build-debs.sh \
	contrib/alerting/README contrib/alerting/event.schema.json \
	contrib/alerting/blocked-mx.jq contrib/alerting/rsyslog-typoguard.conf \
	contrib/alerting/typoguard.rules.yml \
	contrib/alerting/typoguard.rules.test.yml \
	contrib/alerting/typoguard-dashboard.json contrib/report-example.png \
	contrib/systemd/README contrib/systemd/typoguard.conf \
	contrib/systemd/typoguard-tmpfiles.conf \
	contrib/systemd/apparmor-usr.sbin.unbound
