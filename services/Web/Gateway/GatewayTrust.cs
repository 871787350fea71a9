using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace VulnPlatform.Web.Gateway;

/// <summary>
/// Which gateway certificate the web client accepts besides publicly trusted ones, given the one
/// configured (<c>Web:GatewayCertificate</c>): that very certificate (the self-signed development
/// gateway's, whatever name it is reached by), or a certificate for the name the client asked for
/// that chains to it as a root (in a cluster: the namespace's CA, whose gateway certificates
/// cert-manager renews).
/// </summary>
public static class GatewayTrust
{
    public static bool Accepts(X509Certificate2 trusted, X509Certificate2 presented, SslPolicyErrors errors)
    {
        if (presented.GetCertHashString() == trusted.GetCertHashString()) return true;
        // Only an untrusted root is forgiven: a wrong name or no certificate never is.
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        return chain.Build(presented);
    }
}
