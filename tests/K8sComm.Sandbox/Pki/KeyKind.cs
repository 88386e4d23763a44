namespace K8sComm.Sandbox.Pki;

/// <summary>The key a generated certificate carries. ECDSA P-256 is the default because it is fast to make.</summary>
public enum KeyKind
{
    EcdsaP256,
    Rsa2048,
    /// <summary>Deliberately weak; only for postures that model a bad certificate.</summary>
    Rsa1024,
}
