using Marten;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Identity.Accounts;

/// <summary>Marten access for accounts: find by id or e-mail address (the inline document), append a decision.</summary>
public sealed class AccountStore(IDocumentStore store)
{
    public static string Normalise(string email) => email.Trim().ToLowerInvariant();

    public async Task<Account?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<Account>(id, cancellationToken);
    }

    public async Task<Account?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalised = Normalise(email);
        await using var session = store.QuerySession();
        return await session.Query<Account>().SingleOrDefaultAsync(a => a.Email == normalised, cancellationToken);
    }

    public async Task<(IReadOnlyList<Account> Page, int Total)> ListAsync(Paging paging, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var total = await session.Query<Account>().CountAsync(cancellationToken);
        var accounts = await session.Query<Account>().OrderBy(a => a.Email).Skip(paging.Skip).Take(paging.Size).ToListAsync(cancellationToken);
        return (accounts, total);
    }

    /// <summary>Opens an account; false when the e-mail address already has one.</summary>
    public async Task<bool> OpenAsync(Guid id, IReadOnlyList<object> events, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream<Account>(id, events);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            return false; // the unique index on the e-mail address
        }
    }

    /// <summary>
    /// Decides against the account as it is now and appends the events, one decision at a time per
    /// account (sign-in counts and TOTP steps must not race). Returns the decision and the account
    /// after it, or null when there is no such account.
    /// </summary>
    public async Task<(T Decision, Account After)?> DecideAsync<T>(
        Guid id, Func<Account, T> decide, Func<T, IReadOnlyList<object>> eventsOf, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<Account>(id, cancellationToken);
        if (stream.Aggregate is not { } account) return null;
        var decision = decide(account);
        var events = eventsOf(decision);
        if (events.Count > 0)
        {
            stream.AppendMany(events);
            await session.SaveChangesAsync(cancellationToken);
        }
        var after = events.Aggregate(account, Apply);
        return (decision, after);
    }

    private static bool IsUniqueViolation(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation }) return true;
        }
        return false;
    }

    private static Account Apply(Account account, object @event) => @event switch
    {
        EmailConfirmationIssued e => account.Apply(e),
        EmailAddressConfirmed e => account.Apply(e),
        PasswordSet e => account.Apply(e),
        AuthenticatorAdded e => account.Apply(e),
        AuthenticatorConfirmed e => account.Apply(e),
        AuthenticatorRemoved e => account.Apply(e),
        RecoveryCodesIssued e => account.Apply(e),
        SignedIn e => account.Apply(e),
        SignInFailed e => account.Apply(e),
        LockedOut e => account.Apply(e),
        LockoutLifted e => account.Apply(e),
        RoleAdded e => account.Apply(e),
        RoleRemoved e => account.Apply(e),
        AccountDeactivated e => account.Apply(e),
        _ => account,
    };
}
