# evaluation against real data (recall vs dnstwist, false positives)
