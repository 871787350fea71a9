using VulnPlatform.Contracts;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.SigningIn;

namespace VulnPlatform.Identity.Tests;

/// <summary>The sign-in rules as given events / when attempt / then events, no server needed.</summary>
public sealed class SignInDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();

    private static Account Given(params object[] events) =>
        events.Aggregate(Account.Create(new AccountOpened(Id, "a@example.org", [Roles.Reporter], null, Actor.System, Now)), Apply);

    private static Account Apply(Account account, object e) => e switch
    {
        SignInFailed f => account.Apply(f),
        LockedOut l => account.Apply(l),
        SignedIn s => account.Apply(s),
        RoleAdded r => account.Apply(r),
        AuthenticatorConfirmed c => account.Apply(c),
        _ => account,
    };

    private static Account AfterFailures(Account account, int count, DateTimeOffset at)
    {
        for (var i = 0; i < count; i++)
        {
            account = SignInDecider.Password(account, passwordMatches: false, at).Events.Aggregate(account, Apply);
        }
        return account;
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
    public void Four_wrong_passwords_are_refused_and_the_fifth_locks_for_a_minute()
    {
        var account = AfterFailures(Given(), 4, Now);
        Assert.Equal(4, account.FailedInARow);
        Assert.Null(account.LockedUntil);

        var fifth = SignInDecider.Password(account, passwordMatches: false, Now);

        Assert.Equal(SignInOutcome.Locked, fifth.Outcome);
        var locked = Assert.IsType<LockedOut>(fifth.Events[1]);
        Assert.Equal(Now.AddMinutes(1), locked.Until);
    }

    [Fact]
    public void While_locked_even_the_right_password_is_refused_and_after_the_wait_it_works()
    {
        var account = AfterFailures(Given(), 5, Now);

        var during = SignInDecider.Password(account, passwordMatches: true, Now.AddSeconds(59));
        Assert.Equal(SignInOutcome.Locked, during.Outcome);
        Assert.Equal(SignInFailures.Locked, Assert.IsType<SignInFailed>(Assert.Single(during.Events)).Reason);

        var after = SignInDecider.Password(account, passwordMatches: true, Now.AddSeconds(61));
        Assert.Equal(SignInOutcome.SignedIn, after.Outcome);
        var signedIn = after.Events.Aggregate(account, Apply);
        Assert.Equal(0, signedIn.FailedInARow);
        Assert.Null(signedIn.LockedUntil);
    }

    [Fact]
    public void Each_further_lockout_in_a_row_waits_twice_as_long_up_to_an_hour()
    {
        var account = AfterFailures(Given(), 5, Now);
        var at = Now;
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            at = account.LockedUntil!.Value.AddSeconds(1);
            var next = SignInDecider.Password(account, passwordMatches: false, at);
            var locked = Assert.IsType<LockedOut>(next.Events[1]);
            waits.Add(locked.Until - at);
            account = next.Events.Aggregate(account, Apply);
        }
        Assert.Equal([2, 4, 8, 16, 32, 60, 60, 60], waits.Select(w => (int)w.TotalMinutes));
    }

    [Fact]
    public void Wrong_codes_count_toward_the_same_lockout_and_a_code_already_used_is_refused()
    {
        var account = Given(new RoleAdded(Id, Roles.Analyst, null, Actor.System, Now), new AuthenticatorConfirmed(Id, 100, Now));

        var replay = SignInDecider.SecondFactor(account, totpStep: 100, recoveryCodeHash: null, Now);
        Assert.Equal(SignInOutcome.Refused, replay.Outcome);
        Assert.Equal(SignInFailures.Code, Assert.IsType<SignInFailed>(Assert.Single(replay.Events)).Reason);

        var fresh = SignInDecider.SecondFactor(account, totpStep: 101, recoveryCodeHash: null, Now);
        Assert.Equal(SignInOutcome.SignedIn, fresh.Outcome);
        Assert.Equal(101, fresh.Events.Aggregate(account, Apply).LastTotpStep);
    }

    [Fact]
    public void A_role_that_needs_two_factor_goes_to_enrolment_and_is_not_signed_in()
    {
        var account = Given(new RoleAdded(Id, Roles.Coordinator, null, Actor.System, Now));

        var decision = SignInDecider.Password(account, passwordMatches: true, Now);

        Assert.Equal(SignInOutcome.EnrolmentNeeded, decision.Outcome);
        Assert.Empty(decision.Events);
    }
}
