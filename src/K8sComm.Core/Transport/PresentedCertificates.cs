using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Tls;

namespace K8sComm.Core.Transport;

/// <summary>One certificate chain a server presented on a new connection (leaf first, DER), with the
/// verdict when the connection judged it.</summary>
public sealed record PresentedChain(IReadOnlyList<byte[]> Certificates, ServerTrustVerdict? Verdict)
{
    public byte[] Leaf => Certificates[0];
}

/// <summary>
/// Every chain a client's connections were shown. A server may present one certificate to the first
/// connection and another to the next; whoever reports on trust must look at all of them, not the first.
/// </summary>
public sealed class PresentedCertificates
{
    private readonly ConcurrentQueue<PresentedChain> _seen = new();

    public IReadOnlyList<PresentedChain> All => _seen.ToArray();

    internal void Add(X509Certificate? leaf, X509Chain? chain, ServerTrustVerdict? verdict)
    {
        if (leaf is null)
            return;
        var certificates = new List<byte[]> { leaf.GetRawCertData() };
        foreach (var extra in chain?.ChainPolicy.ExtraStore ?? [])
        {
            if (!certificates.Any(c => c.AsSpan().SequenceEqual(extra.RawData)))
                certificates.Add(extra.RawData);
        }
        _seen.Enqueue(new PresentedChain(certificates, verdict));
    }
}
