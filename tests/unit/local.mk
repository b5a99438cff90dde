# unit tests: add programs to TG_UNIT_TESTS
