class Basic: pass
