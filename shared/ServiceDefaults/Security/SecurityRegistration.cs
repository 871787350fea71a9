using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VulnPlatform.ServiceDefaults.Security;

public static class SecurityRegistration
{
    /// <summary>Data-at-rest encryption; the service refuses to start without a valid key ring.</summary>
    public static IHostApplicationBuilder AddEncryptionAtRest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EncryptionOptions>()
            .Bind(builder.Configuration.GetSection(EncryptionOptions.Section))
            .Validate(options => !options.Problems().Any(), "Encryption settings are invalid: " + "see Encryption:ActiveKeyId and Encryption:Keys.")
            .ValidateOnStart();
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddSingleton<SealedBox>();
        return builder;
    }
}
