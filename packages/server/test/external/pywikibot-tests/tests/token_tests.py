#!/usr/bin/env python3
#
# (C) Pywikibot team, 2015-2026
#
# Distributed under the terms of the MIT license.
#
"""Tests for tokens."""
from __future__ import annotations

import unittest
from contextlib import suppress
from unittest import mock

from pywikibot.exceptions import APIError, Error
from pywikibot.site import TokenWallet
from tests.aspects import (
    DefaultSiteTestCase,
    DeprecationTestCase,
    TestCase,
    TestCaseBase,
)


class TestTokenWallet(TestCase):

    """Test the TokenWallet container."""

    net = False

    def test_reuses_current_user(self) -> None:
        """Test that a known current user is retrieved once."""
        site = mock.Mock()
        site.user.return_value = 'Alice'
        site.get_tokens.return_value = {'csrf': 'token'}
        wallet = TokenWallet(site)
        site.user.reset_mock()

        self.assertEqual(wallet['csrf'], 'token')

        site.user.assert_called_once_with()
        site.login.assert_not_called()

    def test_refreshes_current_user_after_login(self) -> None:
        """Test that the current user is refreshed after login."""
        site = mock.Mock()
        site.user.return_value = None
        site.get_tokens.return_value = {'csrf': 'token'}
        wallet = TokenWallet(site)
        site.user.reset_mock()
        site.user.side_effect = [None, 'Alice']

        self.assertEqual(wallet['csrf'], 'token')

        self.assertEqual(site.user.call_count, 2)
        site.login.assert_called_once_with()
        self.assertEqual(wallet._currentuser, 'Alice')


class TestSiteTokens(DeprecationTestCase, DefaultSiteTestCase):

    """Test cases for tokens in Site methods.

    Versions of sites are simulated if actual versions are higher than
    needed by the test case.

    Test is skipped if site version is not compatible.
    """

    login = True

    def test_tokens(self) -> None:
        """Test tokens."""
        for ttype in 'patrol', 'deleteglobalaccount':
            self.assertIsInstance(self.site.tokens[ttype], str)
            self.assertIn(ttype, self.site.tokens)  # test __contains__

    def test_invalid_token(self) -> None:
        """Test invalid token."""
        redirected_tokens = ['edit', 'move', 'delete']
        for ttype in [*redirected_tokens, 'invalidtype']:
            with self.assertRaises(KeyError):
                self.site.tokens['invalidtype']


class TokenTestBase(TestCaseBase):

    """Verify token exists before running tests."""

    def setUp(self) -> None:
        """Skip test if user does not have token and clear site wallet."""
        super().setUp()
        mysite = self.get_site()
        ttype = self.token_type
        try:
            token = mysite.tokens[ttype]
        except KeyError as error_msg:
            self.assertRegex(
                str(error_msg),
                f'Invalid token {ttype!r} for user .+ on {mysite} wiki.')
            self.assertNotIn(ttype, self.site.tokens)
            self.skipTest(error_msg)

        self.token = token
        self._orig_wallet = self.site.tokens
        self.site.tokens.clear()

    def tearDown(self) -> None:
        """Restore site tokens."""
        self.site._tokens = self._orig_wallet
        super().tearDown()


class PatrolTestCase(TokenTestBase, TestCase):

    """Test patrol method."""

    family = 'wikipedia'
    code = 'test'
    write = True
    rights = 'patrol'
    token_type = 'patrol'

    def test_patrol(self) -> None:
        """Test the site.patrol() method."""
        mysite = self.get_site()

        rc = list(mysite.recentchanges(total=1))
        if not rc:
            self.skipTest('no recent changes to patrol')

        rc = rc[0]

        # site.patrol() needs params
        with self.assertRaises(Error):
            list(mysite.patrol())
        try:
            result = list(mysite.patrol(rcid=rc['rcid']))
        except APIError as error:
            if error.code in (
                'permissiondenied',
                'protectednamespace-interface'
            ):
                self.skipTest(error)
            raise

        if hasattr(mysite, '_patroldisabled') and mysite._patroldisabled:
            self.skipTest(f'Patrolling is disabled on {mysite} wiki.')

        result = result[0]
        self.assertIsInstance(result, dict)

        params = {'rcid': 0, 'revid': [0, 1]}

        raised = False
        try:
            # no such rcid, revid or too old revid
            list(mysite.patrol(**params))
        except APIError as error:
            if error.code == 'badtoken':
                self.skipTest(error)
        except Error:
            # expected result
            raised = True
        self.assertTrue(raised, msg='pywikibot.exceptions.Error not raised')


if __name__ == '__main__':
    with suppress(SystemExit):
        unittest.main()
