// The Zoo library: see issues 6–8. It builds on Tensor and Autograd.
@_exported import Autograd
