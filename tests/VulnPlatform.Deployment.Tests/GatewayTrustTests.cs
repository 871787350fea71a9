using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VulnPlatform.Web.Gateway;

namespace VulnPlatform.Deployment.Tests;

/// <summary>
/// In a cluster the web client trusts the namespace's CA (cert-manager renews the gateway's
/// certificate under it); on a developer's machine, the gateway's own self-signed certificate.
/// </summary>
[Trait("Servers", "none")]
public sealed class GatewayTrustTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void A_gateway_certificate_issued_by_the_configured_CA_is_accepted_and_one_from_another_CA_is_not()
    {
        using var ca = Authority("VulnPlatform internal CA");
        using var other = Authority("Someone else's CA");
        using var issued = Leaf(ca, "gateway.vulnplatform.svc");
        using var forged = Leaf(other, "gateway.vulnplatform.svc");

        Assert.True(GatewayTrust.Accepts(Public(ca), issued, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(GatewayTrust.Accepts(Public(ca), forged, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_certificate_for_another_name_is_refused_even_under_the_configured_CA()
    {
        using var ca = Authority("VulnPlatform internal CA");
        using var issued = Leaf(ca, "other.vulnplatform.svc");
        Assert.False(GatewayTrust.Accepts(Public(ca), issued,
            SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void The_pinned_development_certificate_is_accepted_by_whatever_name_the_gateway_is_reached()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var selfSigned = request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(30));
        Assert.True(GatewayTrust.Accepts(Public(selfSigned), Public(selfSigned),
            SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    private static X509Certificate2 Public(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    private static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(Now.AddDays(-1), Now.AddYears(1));
    }

    private static X509Certificate2 Leaf(X509Certificate2 issuer, string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.Create(issuer, Now.AddHours(-1), Now.AddDays(90), RandomNumberGenerator.GetBytes(16));
    }
}
