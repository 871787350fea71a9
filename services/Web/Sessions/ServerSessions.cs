using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using VulnPlatform.ServiceDefaults.Persistence;

namespace VulnPlatform.Web.Sessions;

/// <summary>A session's authentication ticket (its tokens included), kept on the server: the browser holds only its random id.</summary>
public sealed class WebSession
{
    public string Id { get; set; } = "";
    public byte[] Ticket { get; set; } = [];
    public DateTimeOffset ExpiresAt { get; set; }
    public string? AccountId { get; set; }
}

/// <summary>
/// The cookie handlers' <see cref="ITicketStore"/>: tickets in PostgreSQL, sealed with the data
/// protection keys, so every instance of the web client shares them, signing out deletes the row
/// (a copied cookie is worth nothing afterwards), and no token ever reaches the browser.
/// </summary>
public sealed class ServerSessions(IDocumentStore store, IDataProtectionProvider protection, TimeProvider time) : ITicketStore
{
    private readonly IDataProtector _protector = protection.CreateProtector("VulnPlatform.Web.Sessions");

    /// <summary>The claim a stored ticket names its own session with (the cookie handler keeps the key only in the cookie's ticket).</summary>
    public const string KeyClaim = "vp_web_session";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        if (ticket.Principal.Identity is System.Security.Claims.ClaimsIdentity identity)
        {
            foreach (var old in identity.FindAll(KeyClaim).ToList()) identity.RemoveClaim(old);
            identity.AddClaim(new System.Security.Claims.Claim(KeyClaim, id));
        }
        await RenewAsync(id, ticket);
        return id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var session = store.LightweightSession();
        session.Store(new WebSession
        {
            Id = key,
            Ticket = _protector.Protect(TicketSerializer.Default.Serialize(ticket)),
            ExpiresAt = ticket.Properties.ExpiresUtc ?? time.GetUtcNow().AddHours(8),
            AccountId = ticket.Principal.FindFirst("sub")?.Value,
        });
        await session.SaveChangesAsync();
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (key.Length != 64) return null;
        await using var session = store.QuerySession();
        var found = await session.LoadAsync<WebSession>(key);
        if (found is null || found.ExpiresAt <= time.GetUtcNow()) return null;
        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(found.Ticket));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Holds a lock on one session (across instances) until disposed: its token refresh happens once.</summary>
    public Task<IAsyncDisposable> LockAsync(string key, CancellationToken cancellationToken) => store.HoldAsync("web-session:" + key, cancellationToken);

    public async Task RemoveAsync(string key)
    {
        await using var session = store.LightweightSession();
        session.Delete<WebSession>(key);
        await session.SaveChangesAsync();
    }
}

/// <summary>Removes expired sessions now and then.</summary>
public sealed class ExpiredSessionSweep(IDocumentStore store, TimeProvider time, ILogger<ExpiredSessionSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(15), time);
        do
        {
            try
            {
                await using var session = store.LightweightSession();
                var now = time.GetUtcNow();
                session.DeleteWhere<WebSession>(s => s.ExpiresAt < now);
                await session.SaveChangesAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Expired web sessions could not be removed; next try in 15 minutes");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class CookieHardening
{
    public static void Harden(CookieAuthenticationOptions cookie, string name)
    {
        cookie.Cookie.Name = name; // __Host-: Secure, path /, no Domain — the browser enforces it
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.Cookie.Path = "/";
        cookie.SlidingExpiration = false;
    }
}
