def smooth_activation(key):
    return None
