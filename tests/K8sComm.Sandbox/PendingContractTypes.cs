// TEMPORARY: the contract types owned by the sandbox-kubelets branch, copied from sandbox-contract.md so this
// branch builds before that branch lands. Deleted when sandbox-kubelets is merged.
namespace K8sComm.Sandbox.Faults
{
    public enum FaultMode { None, Latency, ServerError, ConnectionReset, StalledHandshake, GarbageBody, TruncatedBody, OversizedBody, SlowTrickle }
    public sealed record FaultPlan(FaultMode Mode, TimeSpan? Delay = null, string? PathPrefix = null);
}

namespace K8sComm.Sandbox.Kubelets
{
    using K8sComm.Sandbox.Faults;

    public enum KubeletCertificateKind { CaSigned, SelfSigned, Expired, NotYetValid, SanMismatch, WeakKey, Sha1Signature, WrongCa }
    public enum AnonymousMode { Rejected, DeniedByAuthorization, Allowed }
    public sealed record KubeletPosture(KubeletCertificateKind Certificate = KubeletCertificateKind.CaSigned,
        AnonymousMode Anonymous = AnonymousMode.Rejected, bool ReadOnlyPort = false, FaultPlan? Faults = null);
}
