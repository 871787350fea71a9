using VulnPlatform.Contracts;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.SigningIn;

namespace VulnPlatform.Identity.Tests;

/// <summary>The sign-in rules as given events / when attempt / then events, no server needed.</summary>
[Trait("Servers", "none")]
public sealed class SignInDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();
    private const string Email = "a@example.org";

    private static Account Given(params object[] events) =>
        events.Aggregate(Account.Create(new AccountOpened(Id, Email, [Roles.Reporter], null, Actor.System, Now)), Apply);

    private static Account Apply(Account account, object e) => e switch
    {
        SignInFailed f => account.Apply(f),
        LockedOut l => account.Apply(l),
        SignInsPaused p => account.Apply(p),
        SignedIn s => account.Apply(s),
        RoleAdded r => account.Apply(r),
        AuthenticatorConfirmed c => account.Apply(c),
        AccountDeactivated d => account.Apply(d),
        _ => account,
    };

    private static SignInThrottle From(string network, string email = Email) => SignInThrottle.New(email, network);

    /// <summary>A password attempt: the decision, with the account and the throttle as it leaves them.</summary>
    private static (SignInDecision Decision, Account? Account, SignInThrottle Throttle) Attempt(
        Account? account, SignInThrottle throttle, bool passwordMatches, DateTimeOffset at)
    {
        var decision = SignInDecider.Password(account, throttle, passwordMatches, at);
        return (decision, account is null ? null : decision.Events.Aggregate(account, Apply), decision.Throttle!);
    }

    private static (Account? Account, SignInThrottle Throttle) AfterFailures(Account? account, SignInThrottle throttle, int count, DateTimeOffset at)
    {
        for (var i = 0; i < count; i++) (_, account, throttle) = Attempt(account, throttle, false, at);
        return (account, throttle);
    }

    [Fact]
    public void Wrong_codes_confirming_turning_2fa_off_or_new_recovery_codes_count_like_failed_sign_ins_and_lock()
    {
        var account = Given(new AuthenticatorConfirmed(Id, 1, Now));
        object Change(long step) => new AuthenticatorRemoved(Id, step, Actor.System, Now);
        for (var i = 0; i < 4; i++)
        {
            var refused = SignInDecider.ConfirmedByCode(account, null, Now, Change);
            Assert.IsType<SignInFailed>(Assert.Single(refused));
            account = refused.Aggregate(account, Apply);
        }
        var fifth = SignInDecider.ConfirmedByCode(account, null, Now, Change);
        Assert.Contains(fifth, e => e is LockedOut);
        account = fifth.Aggregate(account, Apply);
        // Locked: even the right code changes nothing until the lockout ends.
        Assert.DoesNotContain(SignInDecider.ConfirmedByCode(account, 99, Now.AddSeconds(1), Change), e => e is AuthenticatorRemoved);
        Assert.Contains(SignInDecider.ConfirmedByCode(account, 99, Now.AddHours(2), Change), e => e is AuthenticatorRemoved);
    }

    [Fact]
    public void Four_wrong_passwords_are_refused_and_the_fifth_pauses_that_network_for_a_minute_and_tells_the_holder()
    {
        var (account, throttle) = AfterFailures(Given(), From("203.0.113.7"), 4, Now);
        Assert.Equal(4, account!.FailedInARow);
        Assert.Null(throttle.PausedUntil);

        var (fifth, _, after) = Attempt(account, throttle, false, Now);

        Assert.Equal(SignInOutcome.Locked, fifth.Outcome);
        var paused = Assert.IsType<SignInsPaused>(fifth.Events[1]);
        Assert.Equal(("203.0.113.7", Now.AddMinutes(1), true), (paused.Network, paused.Until, paused.Notify));
        Assert.Equal(Now.AddMinutes(1), after.PausedUntil);
        Assert.Null(account.LockedUntil); // the account itself is not locked
    }

    [Fact]
    public void While_a_network_is_paused_even_the_right_password_is_refused_there_but_works_from_elsewhere_and_after_the_wait()
    {
        var (account, paused) = AfterFailures(Given(), From("203.0.113.7"), 5, Now);

        var (during, _, _) = Attempt(account, paused, true, Now.AddSeconds(59));
        Assert.Equal(SignInOutcome.Locked, during.Outcome);
        Assert.Equal(SignInFailures.Locked, Assert.IsType<SignInFailed>(Assert.Single(during.Events)).Reason);

        var (elsewhere, _, _) = Attempt(account, From("198.51.100.20"), true, Now.AddSeconds(59));
        Assert.Equal(SignInOutcome.SignedIn, elsewhere.Outcome);

        var (later, signedIn, throttle) = Attempt(account, paused, true, Now.AddSeconds(61));
        Assert.Equal(SignInOutcome.SignedIn, later.Outcome);
        Assert.Equal(0, signedIn!.FailedInARow);
        Assert.Equal((0, (DateTimeOffset?)null), (throttle.FailedInARow, throttle.PausedUntil));
    }

    [Fact]
    public void An_address_without_an_account_gets_the_same_answers_as_one_with_an_account_pauses_included()
    {
        Account? known = Given();
        Account? unknown = null;
        SignInThrottle knownThrottle = From("203.0.113.7"), unknownThrottle = From("203.0.113.7", "nobody@example.org");
        for (var i = 0; i < 12; i++)
        {
            var at = Now.AddSeconds(20 * i);
            (var a, known, knownThrottle) = Attempt(known, knownThrottle, false, at);
            (var b, unknown, unknownThrottle) = Attempt(unknown, unknownThrottle, false, at);
            Assert.Equal((a.Outcome, a.LockedUntil), (b.Outcome, b.LockedUntil));
        }
        Assert.Empty(SignInDecider.Password(null, unknownThrottle, false, Now).Events); // nothing is recorded on any account
    }

    [Fact]
    public void A_disabled_account_or_one_locked_by_its_holders_wrong_codes_is_answered_like_an_address_without_one()
    {
        var locked = Given(new SignInFailed(Id, SignInFailures.Code, Now), new LockedOut(Id, 5, Now.AddMinutes(1), Now));
        var disabled = Given(new AccountDeactivated(Id, Actor.System, Now));
        foreach (var account in new[] { locked, disabled })
        {
            SignInThrottle blocked = From("203.0.113.7"), unknown = From("203.0.113.7", "nobody@example.org");
            for (var i = 0; i < 6; i++)
            {
                var a = SignInDecider.Password(account, blocked, passwordMatches: true, Now.AddSeconds(i));
                var b = SignInDecider.Password(null, unknown, passwordMatches: false, Now.AddSeconds(i));
                Assert.Equal((b.Outcome, b.LockedUntil), (a.Outcome, a.LockedUntil));
                Assert.NotEqual(SignInOutcome.SignedIn, a.Outcome);
                (blocked, unknown) = (a.Throttle!, b.Throttle!);
            }
        }
    }

    [Fact]
    public void Each_further_pause_in_a_row_waits_twice_as_long_up_to_an_hour()
    {
        var (account, throttle) = AfterFailures(Given(), From("203.0.113.7"), 5, Now);
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            var at = throttle.PausedUntil!.Value.AddSeconds(1);
            (var next, account, throttle) = Attempt(account, throttle, false, at);
            waits.Add(next.LockedUntil!.Value - at);
        }
        Assert.Equal([2, 4, 8, 16, 32, 60, 60, 60], waits.Select(w => (int)w.TotalMinutes));
    }

    [Fact]
    public void Past_the_ceiling_every_network_is_paused_after_one_failure_while_the_holder_still_gets_in_and_is_told_once_an_hour()
    {
        Account? account = Given();
        var notices = 0;
        // Four failures from each of five networks: no network paused yet, twenty failures on the account.
        for (var n = 0; n < 5; n++)
        {
            var throttle = From($"192.0.2.{n}");
            for (var i = 0; i < 4; i++) (_, account, throttle) = Attempt(account, throttle, false, Now);
            Assert.Null(throttle.PausedUntil);
        }
        Assert.Equal(SignInDecider.SlowAfter, account!.FailedInARow);

        var (first, afterFirst, _) = Attempt(account, From("192.0.2.100"), false, Now);
        Assert.Equal(SignInOutcome.Locked, first.Outcome);
        notices += first.Events.OfType<SignInsPaused>().Count(p => p.Notify);
        var (second, _, _) = Attempt(afterFirst, From("192.0.2.101"), false, Now.AddMinutes(5));
        Assert.Equal(SignInOutcome.Locked, second.Outcome);
        notices += second.Events.OfType<SignInsPaused>().Count(p => p.Notify);
        Assert.Equal(1, notices);

        var (holder, _, _) = Attempt(afterFirst, From("198.51.100.20"), true, Now.AddMinutes(5));
        Assert.Equal(SignInOutcome.SignedIn, holder.Outcome);
    }

    [Fact]
    public void Wrong_codes_count_toward_the_same_pause_and_a_code_already_used_is_refused()
    {
        var account = Given(new RoleAdded(Id, Roles.Analyst, null, Actor.System, Now), new AuthenticatorConfirmed(Id, 100, Now));
        var throttle = From("203.0.113.7");

        var replay = SignInDecider.SecondFactor(account, throttle, totpStep: 100, recoveryCodeHash: null, Now);
        Assert.Equal(SignInOutcome.Refused, replay.Outcome);
        Assert.Equal(SignInFailures.Code, Assert.IsType<SignInFailed>(Assert.Single(replay.Events)).Reason);
        Assert.Equal(1, replay.Throttle!.FailedInARow);

        var fresh = SignInDecider.SecondFactor(account, replay.Throttle, totpStep: 101, recoveryCodeHash: null, Now);
        Assert.Equal(SignInOutcome.SignedIn, fresh.Outcome);
        Assert.Equal(101, fresh.Events.Aggregate(account, Apply).LastTotpStep);
        Assert.Equal(0, fresh.Throttle!.FailedInARow);
    }

    [Fact]
    public void A_role_that_needs_two_factor_goes_to_enrolment_and_is_not_signed_in()
    {
        var account = Given(new RoleAdded(Id, Roles.Coordinator, null, Actor.System, Now));

        var decision = SignInDecider.Password(account, From("203.0.113.7"), passwordMatches: true, Now);

        Assert.Equal(SignInOutcome.EnrolmentNeeded, decision.Outcome);
        Assert.Empty(decision.Events);
    }
}
