using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// The running platform `make test` started for these tests (gateway over HTTPS with its generated
/// certificate, Intake behind it), reached exactly as a reporter's client reaches it.
/// </summary>
public static class Platform
{
    public static Uri Gateway => new(Required("VP_TEST_GATEWAY"));
    public static Uri GatewayHttp => new(Required("VP_TEST_GATEWAY_HTTP"));

    /// <summary>A client that trusts the platform's certificate and nothing else self-signed.</summary>
    public static HttpClient Client(bool followRedirects = false)
    {
        var authority = X509Certificate2.CreateFromPem(File.ReadAllText(Required("VP_TEST_GATEWAY_CA")));
        var handler = new SocketsHttpHandler { AllowAutoRedirect = followRedirects };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return new HttpClient(handler) { BaseAddress = Gateway, DefaultRequestVersion = HttpVersion.Version20 };
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the end-to-end tests with `make test`, which starts the platform for them.");

    /// <summary>Waits until Triage has opened the case (Intake's relay published the report); its current ETag.</summary>
    public static async Task<string?> OpenedCaseAsync(string trackingNumber, string staff, TimeSpan? timeout = null)
    {
        using var api = Platform.Client();
        string? etag = null;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var response = await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/triage/cases/{trackingNumber}", staff));
            etag = response.Headers.ETag?.Tag;
            return response.StatusCode == HttpStatusCode.OK;
        }, timeout ?? TimeSpan.FromSeconds(30)), $"Triage did not open the case {trackingNumber}");
        return etag;
    }

    /// <summary>A triage command on a case (acknowledge, validate, …) once Triage has opened it, with its current ETag; it must succeed.</summary>
    public static async Task CaseCommandAsync(string trackingNumber, string staff, string action, object body)
    {
        var etag = await OpenedCaseAsync(trackingNumber, staff);
        using var api = Platform.Client();
        var command = Requests.Bearer(HttpMethod.Post, $"/api/triage/cases/{trackingNumber}/{action}", staff, JsonContent.Create(body));
        command.Headers.TryAddWithoutValidation("If-Match", etag);
        var answer = await api.SendAsync(command);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
    }
}
