using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace VulnPlatform.Identity.Oidc;

/// <summary>
/// OpenIddict's own records (applications, authorizations, tokens) and the data-protection keys
/// that protect Identity's cookies, in Identity's database under the schema <c>openiddict</c>
/// (accounts are Marten event streams beside it). Kept in EF Core because OpenIddict's standard
/// store is; Marten and EF code stay in separate files (both define ToListAsync).
/// </summary>
public sealed class OidcStore(DbContextOptions<OidcStore> options) : DbContext(options), IDataProtectionKeyContext
{
    public const string Schema = "openiddict";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasDefaultSchema(Schema);
        builder.UseOpenIddict();
        base.OnModelCreating(builder);
    }
}
