using System.Security.Cryptography;
using System.Text;
using Marten;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;

namespace VulnPlatform.Identity.Accounts.SigningIn;

/// <summary>
/// Failed sign-ins to one address from one client network, whether or not an account has that address:
/// what pauses sign-ins (<see cref="SignInDecider"/>). Kept apart from the account, so that failures
/// from one network never lock the account holder out from another, and so that an unknown address is
/// answered exactly as a known one. The address is kept only as a hash.
/// </summary>
public sealed class SignInThrottle
{
    public string Id { get; set; } = "";
    public string EmailHash { get; set; } = "";
    public string Network { get; set; } = "";
    public int FailedInARow { get; set; }
    public int PausesInARow { get; set; }
    public DateTimeOffset? PausedUntil { get; set; }
    public DateTimeOffset LastFailureAt { get; set; }

    public bool IsPausedAt(DateTimeOffset now) => PausedUntil is { } until && until > now;

    public static string HashOf(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AccountStore.Normalise(email))));

    public static SignInThrottle New(string email, string network)
    {
        var hash = HashOf(email);
        return new SignInThrottle { Id = $"{hash}/{network}", EmailHash = hash, Network = network };
    }
}

/// <summary>
/// Reads and writes throttles. One attempt at a time per throttle, across instances: attempts sent in
/// parallel each count, and none is decided on a count another has not written yet.
/// </summary>
public sealed class SignInThrottles(IDocumentStore store)
{
    /// <summary>
    /// Holds (<paramref name="email"/>, <paramref name="network"/>)'s throttle while <paramref name="decide"/>
    /// decides the attempt against it, and saves the throttle the decision leaves.
    /// </summary>
    public async Task<T> DecideAsync<T>(string email, string network, Func<SignInThrottle, Task<(T Result, SignInThrottle After)>> decide,
        CancellationToken cancellationToken)
    {
        var fresh = SignInThrottle.New(email, network);
        await using var held = await store.HoldAsync("sign-in-throttle:" + fresh.Id, cancellationToken);
        await using var session = store.LightweightSession();
        var (result, after) = await decide(await session.LoadAsync<SignInThrottle>(fresh.Id, cancellationToken) ?? fresh);
        session.Store(after);
        await session.SaveChangesAsync(cancellationToken);
        return result;
    }

    /// <summary>An admin lifting a lockout lifts every pause on the account's address too.</summary>
    public async Task LiftAsync(string email, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var hash = SignInThrottle.HashOf(email);
        session.DeleteWhere<SignInThrottle>(t => t.EmailHash == hash);
        await session.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Forgets throttles with no failure for a day and no pause running (periodic maintenance).</summary>
public sealed class StaleSignInThrottles(IDocumentStore store, TimeProvider time) : IMaintenanceTask
{
    public string Name => "stale-sign-in-throttles";

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var before = now - TimeSpan.FromDays(1);
        await using var session = store.LightweightSession();
        var stale = await session.Query<SignInThrottle>()
            .Where(t => t.LastFailureAt < before && (t.PausedUntil == null || t.PausedUntil < now)).Select(t => t.Id).ToListAsync(cancellationToken);
        foreach (var id in stale) session.Delete<SignInThrottle>(id);
        await session.SaveChangesAsync(cancellationToken);
        return stale.Count;
    }
}
