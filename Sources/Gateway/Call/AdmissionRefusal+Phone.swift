import Meetings

extension AdmissionRefusal {
    /// What a caller hears when admission refuses them, before Parley hangs
    /// up: the gateway's one refusal → prompt map (`Prompt.forRefusal`),
    /// through `CallRefusal`, which also holds the SIP answer for a call
    /// refused before it is answered.
    var prompt: Prompt { Prompt.forRefusal(CallRefusal(admission: self)) }
}
