using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace VulnPlatform.ServiceDefaults.Security;

public static class SecurityRegistration
{
    /// <summary>
    /// Data-at-rest encryption: the key ring, per-subject data keys (envelope encryption, stored as
    /// Marten documents), their rotation, and a start-up warning for keys the ring lacks. The service
    /// refuses to start without a valid key ring.
    /// </summary>
    public static IHostApplicationBuilder AddEncryptionAtRest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EncryptionOptions>()
            .Bind(builder.Configuration.GetSection(EncryptionOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EncryptionOptions>, EncryptionOptionsValidator>();
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddSingleton<SealedBox>();
        builder.Services.AddSingleton<DataKeys>();
        builder.Services.AddSingleton<DataKeyRotation>();
        builder.Services.AddHostedService<DataKeyAudit>();
        builder.Services.ConfigureMarten(options => options.Schema.For<WrappedDataKey>());
        return builder;
    }

    /// <summary>Fails start-up naming each problem of the key settings.</summary>
    private sealed class EncryptionOptionsValidator : IValidateOptions<EncryptionOptions>
    {
        public ValidateOptionsResult Validate(string? name, EncryptionOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems)
                : ValidateOptionsResult.Success;
    }
}
