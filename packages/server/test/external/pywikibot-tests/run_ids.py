"""Run pywikibot test modules and print one JSON line per test: its id and outcome."""
import json
import sys
import unittest


class Recorder(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.outcomes = {}

    def _key(self, test):
        return test.id()

    def addSuccess(self, test):
        self.outcomes.setdefault(self._key(test), 'ok')

    def addFailure(self, test, err):
        self.outcomes[self._key(test)] = 'fail: ' + self._exc_info_to_string(err, test)[-2000:]

    def addError(self, test, err):
        self.outcomes[self._key(test)] = 'error: ' + self._exc_info_to_string(err, test)[-2000:]

    def addSkip(self, test, reason):
        self.outcomes[self._key(test)] = 'skip: ' + str(reason)

    def addExpectedFailure(self, test, err):
        self.outcomes[self._key(test)] = 'expected failure'

    def addUnexpectedSuccess(self, test):
        self.outcomes[self._key(test)] = 'unexpected success'

    def addSubTest(self, test, subtest, err):
        if err is not None:
            kind = 'fail' if issubclass(err[0], test.failureException) else 'error'
            self.outcomes[self._key(test)] = kind + ' (' + str(subtest) + '): ' + self._exc_info_to_string(err, test)[-2000:]


def main(names):
    suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    result = Recorder()
    suite.run(result)
    for test_id, outcome in sorted(result.outcomes.items()):
        print(json.dumps({'id': test_id, 'outcome': outcome}))


if __name__ == '__main__':
    main(sys.argv[1:])
